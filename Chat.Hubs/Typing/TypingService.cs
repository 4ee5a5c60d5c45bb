using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Typing;

/// <summary>
/// Typing indicators: members start and stop typing, a message ends it, and the room hears the
/// whole list whenever it changes (never the typist themself).
/// </summary>
public sealed class TypingService(
    RoomAccess access,
    TypingTracker tracker,
    RoomBroadcaster broadcaster,
    TimeProvider clock,
    ILogger<TypingService> logger)
{
    // Every message fails this alike while Redis is away: logged once every few seconds.
    private readonly LogSampler endFailures = new(TimeSpan.FromSeconds(5), clock);

    /// <summary>
    /// The member types in the room for the next 3 s. A member already typing only extends that,
    /// without telling the room again. Rooms with typing indicators off ignore it.
    /// </summary>
    public async Task StartAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        var (state, member) = await access.RequireMemberAsync(caller.UserId, roomId, cancellationToken);
        if (!state.Settings.TypingIndicators)
        {
            return;
        }

        // A muted member cannot send, so "is typing" would promise a message that cannot come.
        // Refused with the code SendMessage gives rather than ignored, so a client learns of the
        // mute as soon as the user starts to type instead of only when the send fails.
        RoomAccess.RequireNotMuted(member, clock.GetUtcNow().UtcDateTime);

        if (await tracker.StartAsync(roomId, caller.UserId) is { } change)
        {
            await broadcaster.TypingChangedAsync(change);
        }
    }

    /// <summary>
    /// The member stopped typing: removed at once, and the room told if they were in the list.
    /// Not gated on the room's setting: an entry can only exist if typing was on when it was made,
    /// and removing it clears what members were shown.
    /// </summary>
    public async Task StopAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        await access.RequireMemberAsync(caller.UserId, roomId, cancellationToken);
        await EndAsync(caller.UserId, roomId);
    }

    /// <summary>
    /// A stored message ends its sender's typing in that room. The message must reach the room
    /// even if this fails (the entry then expires by itself), so Redis faults are only logged.
    /// </summary>
    public async Task MessageSentAsync(Guid userId, Guid roomId)
    {
        try
        {
            await EndAsync(userId, roomId);
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            if (endFailures.TryEnter(out var heldBack))
            {
                logger.LogWarning(e, "Could not end typing of {UserId} in {RoomId} after a message ({HeldBack} more such failures since the last logged)", userId, roomId, heldBack);
            }
        }
    }

    /// <summary>Who types in the room now, for a room snapshot.</summary>
    public Task<Guid[]> TypistsAsync(Guid roomId) => tracker.TypistsAsync(roomId);

    private async Task EndAsync(Guid userId, Guid roomId)
    {
        if (await tracker.StopAsync(roomId, userId) is { } change)
        {
            await broadcaster.TypingChangedAsync(change);
        }
    }
}
