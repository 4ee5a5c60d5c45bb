using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Bots;

/// <summary>Which bots there are, and a room admin adding one to the room or taking it out.</summary>
public sealed class RoomBotService(
    BotDirectory directory, RoomRepository rooms, RoomAccess access, MembershipService membership, BotRooms botRooms)
{
    /// <summary>The bots this service runs, as users.</summary>
    public IReadOnlyList<UserDto> List() =>
        [.. directory.All.OrderBy(b => b.UserName).Select(b => new UserDto(b.UserId, b.UserName, b.DisplayName, null, GlobalRole.Bot, PresenceStatus.Online, null))];

    /// <summary>Makes the bot called <paramref name="userName"/> a member of the room (admin).</summary>
    public async Task<MemberDto> AddAsync(Caller caller, Guid roomId, string? userName, CancellationToken cancellationToken = default)
    {
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        if (string.IsNullOrWhiteSpace(userName))
        {
            throw ChatException.Invalid("userName is required");
        }

        var bot = directory.FindByUserName(userName) ?? throw ChatException.NotFound("bot");
        var room = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        var member = await membership.AdmitAsync(room, AsCaller(bot), beforeJoin: null, cancellationToken);
        botRooms.Add(roomId);
        return member;
    }

    /// <summary>Takes the bot out of the room (admin).</summary>
    public async Task RemoveAsync(Caller caller, Guid roomId, Guid botId, CancellationToken cancellationToken = default)
    {
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        var bot = directory.Find(botId) ?? throw ChatException.NotFound("bot");
        await membership.LeaveAsync(AsCaller(bot), roomId, cancellationToken);
    }

    private static Caller AsCaller(DeclaredBot bot) => new(bot.UserId, GlobalRole.Bot);
}
