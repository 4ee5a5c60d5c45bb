using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Moves all of a user's open connections, on every node, into or out of a room's group when
/// membership changes through any door (hub or REST). Each node applies the change to its own
/// connections; with Redis the change is published to the other nodes.
/// </summary>
public sealed class RoomGroupSync(
    UserConnections connections,
    IHubContext<ChatHub, IChatClient> hub,
    ChatRedisConnection redis,
    ILogger<RoomGroupSync> logger) : BackgroundService
{
    private const string Channel = "room-groups";

    // Lets a node ignore the changes it published itself: it applied them before publishing.
    private readonly string nodeId = Guid.NewGuid().ToString("N");

    public Task AddUserAsync(Guid userId, Guid roomId) => ApplyAndPublishAsync(new Change(true, userId, roomId));

    public Task RemoveUserAsync(Guid userId, Guid roomId) => ApplyAndPublishAsync(new Change(false, userId, roomId));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.Enabled)
        {
            return;
        }

        var subscriber = (await redis.GetAsync()).GetSubscriber();
        var queue = await subscriber.SubscribeAsync(RedisChannel.Literal(Channel));
        await using var unsubscribe = stoppingToken.Register(() => queue.Unsubscribe());
        try
        {
            await foreach (var message in queue.WithCancellation(stoppingToken))
            {
                if (Change.TryParse(message.Message.ToString(), out var origin, out var change) && origin != nodeId)
                {
                    await ApplyAsync(change);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAndPublishAsync(Change change)
    {
        await ApplyAsync(change);
        if (redis.Enabled)
        {
            var subscriber = (await redis.GetAsync()).GetSubscriber();
            await subscriber.PublishAsync(RedisChannel.Literal(Channel), change.Format(nodeId));
        }
    }

    private async Task ApplyAsync(Change change)
    {
        var group = RoomGroup.Name(change.RoomId);
        foreach (var connectionId in connections.Of(change.UserId))
        {
            try
            {
                if (change.Add)
                {
                    await hub.Groups.AddToGroupAsync(connectionId, group);
                }
                else
                {
                    await hub.Groups.RemoveFromGroupAsync(connectionId, group);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The connection closed meanwhile; it leaves all its groups anyway.
                logger.LogDebug(e, "Connection {ConnectionId} gone while changing group {Group}", connectionId, group);
            }
        }
    }

    private readonly record struct Change(bool Add, Guid UserId, Guid RoomId)
    {
        public string Format(string origin) => $"{origin}|{(Add ? '+' : '-')}|{UserId:N}|{RoomId:N}";

        public static bool TryParse(string? text, out string origin, out Change change)
        {
            var parts = text?.Split('|') ?? [];
            origin = parts.Length == 4 ? parts[0] : "";
            change = default;
            if (parts.Length != 4 || !Guid.TryParse(parts[2], out var userId) || !Guid.TryParse(parts[3], out var roomId))
            {
                return false;
            }

            change = new Change(parts[1] == "+", userId, roomId);
            return true;
        }
    }
}
