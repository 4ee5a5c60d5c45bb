using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Messages;
using FluentValidation;

namespace Chat.Hubs.Rooms;

/// <summary>Replacing a room's settings (room admins and global admins).</summary>
public sealed class RoomSettingsService(
    RoomRepository rooms,
    RoomAccess access,
    IValidator<RoomSettings> validator,
    MessageSearchService search,
    RoomBroadcaster broadcaster)
{
    /// <summary>
    /// Replaces the whole settings object; the room hears <c>RoomUpdated</c>. The search language
    /// must name one of the database's text search configurations.
    /// </summary>
    public async Task<RoomDto> ReplaceAsync(
        Caller caller, Guid roomId, RoomSettings settings, CancellationToken cancellationToken = default)
    {
        validator.EnsureValid(settings);
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        settings = settings with { SearchLanguage = await search.RequireLanguageAsync(settings.SearchLanguage, "searchLanguage", cancellationToken) };
        var updated = await rooms.UpdateSettingsAsync(roomId, settings, cancellationToken) ?? throw ChatException.NotFound("room");
        var dto = updated.ToDto();
        await broadcaster.RoomUpdatedAsync(dto);
        return dto;
    }
}
