using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Replacing a room's settings, under <c>/api/rooms/{id}/settings</c>.</summary>
public static class RoomSettingsEndpoints
{
    public static RouteGroupBuilder MapRoomSettingsEndpoints(this RouteGroupBuilder roomSettings)
    {
        roomSettings.MapPut("/", async Task<Ok<RoomDto>> (
                Guid id, RoomSettings settings, Caller caller, RoomSettingsService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ReplaceAsync(caller, id, settings, ct)))
            .WithName("ReplaceRoomSettings").WithSummary("Replaces the whole settings object (room admin)");

        return roomSettings;
    }
}
