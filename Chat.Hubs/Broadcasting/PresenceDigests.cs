using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Broadcasting;

/// <summary>
/// Large rooms' presence changes, gathered per room and sent to the room's presence watchers as
/// one <c>PresenceDigest</c> every <see cref="ChatOptions.PresenceDigestMilliseconds"/>, with
/// only each user's latest change. A thousand members connecting within a second cost each
/// watcher one event, not a thousand, and the members not watching none.
/// </summary>
/// <remarks>
/// Each node sends the changes of the users it decided on. A user whose connections open and
/// close on two nodes within one interval may reach a watcher in either order; the member list
/// (REST) holds the stored status for a client that must be sure.
/// </remarks>
public sealed class PresenceDigests(
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<PresenceDigests> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private Dictionary<Guid, Dictionary<Guid, PresenceChangedEvent>> pending = [];

    /// <summary>Keeps the change for the room's next digest, replacing the user's earlier one.</summary>
    public void Add(Guid roomId, PresenceChangedEvent change)
    {
        lock (gate)
        {
            if (!pending.TryGetValue(roomId, out var changes))
            {
                pending[roomId] = changes = [];
            }

            changes[change.UserId] = change;
        }
    }

    /// <summary>Sends every room's digest that has changes; returns how many rooms had some.</summary>
    internal async Task<int> FlushAsync()
    {
        Dictionary<Guid, Dictionary<Guid, PresenceChangedEvent>> due;
        lock (gate)
        {
            if (pending.Count == 0)
            {
                return 0;
            }

            due = pending;
            pending = [];
        }

        await Task.WhenAll(due.Select(room =>
            hub.Clients.Group(RoomGroup.PresenceOf(room.Key)).PresenceDigest(new PresenceDigestEvent(room.Key, [.. room.Value.Values]))));
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.PresenceDigestMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await FlushAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Those changes are lost to the watchers (the stored statuses stand, and the member
                // list shows them); an exception leaving the loop would stop the whole node.
                logger.LogWarning(e, "Sending presence digests failed");
            }
        }
    }
}
