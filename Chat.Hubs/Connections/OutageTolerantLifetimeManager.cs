using System.Collections.Concurrent;
using Chat.Data;
using Chat.Hubs.Errors;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// The Redis backplane, made to keep the node up while Redis is away: a connection still opens,
/// joins its rooms and is served, and a send that cannot be published is counted and dropped
/// instead of failing the call that made it (members catch up through <c>ResyncRequired</c>).
/// </summary>
/// <remarks>
/// What could not be done meanwhile is mended when the backplane answers again (<see cref="MendAsync"/>,
/// called by <see cref="BackplaneMonitor"/>): a connection of this node whose subscriptions or
/// group changes failed is closed, so that its client reconnects and enters exactly the rooms the
/// database says (a kick or leave during the outage then holds); a removal of another node's
/// connection from a group is sent again until it holds.
/// </remarks>
public sealed partial class OutageTolerantLifetimeManager<THub>(
    HubLifetimeManager<THub> backplane,
    BackplaneMonitor monitor,
    RedisHealth health,
    ChatMetrics metrics,
    ILogger<OutageTolerantLifetimeManager<THub>> logger)
    : HubLifetimeManager<THub>, IDisposable
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> local = new();
    private readonly ConcurrentDictionary<string, bool> unsubscribed = new();
    private readonly ConcurrentDictionary<(string ConnectionId, string Group), bool> removalsDue = new();

    private const int RemovalAttempts = 3;
    private static readonly TimeSpan RemovalRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>A copy of this node's open connections.</summary>
    public IReadOnlyCollection<HubConnectionContext> LocalConnections => [.. local.Values];

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        local[connection.ConnectionId] = connection;
        if (!await TryAsync(() => backplane.OnConnectedAsync(connection)))
        {
            unsubscribed[connection.ConnectionId] = true;
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        local.TryRemove(connection.ConnectionId, out _);
        unsubscribed.TryRemove(connection.ConnectionId, out _);
        await TryAsync(() => backplane.OnDisconnectedAsync(connection));
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (!await TryAsync(() => backplane.AddToGroupAsync(connectionId, groupName, cancellationToken)) && local.ContainsKey(connectionId))
        {
            unsubscribed[connectionId] = true;
        }
    }

    /// <summary>
    /// A removal is never skipped, even while Redis is taken to be away: a kicked or banned member
    /// must stop hearing the room. Tried a few times; then a connection of this node is closed at
    /// once (it reconnects into the rooms the database says), another node's is removed again
    /// once the backplane answers.
    /// </summary>
    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < RemovalAttempts; attempt++)
        {
            if (await TryAsync(() => backplane.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), evenWhenAway: true))
            {
                return;
            }

            await Task.Delay(RemovalRetryDelay, cancellationToken);
        }

        if (local.TryGetValue(connectionId, out var connection))
        {
            LogClosingUnsubscribed(logger, connectionId);
            connection.Abort();
        }
        else
        {
            removalsDue[(connectionId, groupName)] = true;
        }
    }

    /// <summary>
    /// The backplane is back: closes this node's connections whose subscriptions or group changes
    /// failed meanwhile, and sends again the removals of other nodes' connections from groups.
    /// </summary>
    public async Task MendAsync()
    {
        foreach (var connectionId in unsubscribed.Keys)
        {
            if (unsubscribed.TryRemove(connectionId, out _) && local.TryGetValue(connectionId, out var connection))
            {
                LogClosingUnsubscribed(logger, connectionId);
                connection.Abort();
            }
        }

        foreach (var (connectionId, group) in removalsDue.Keys)
        {
            if (await TryAsync(() => backplane.RemoveFromGroupAsync(connectionId, group), evenWhenAway: true))
            {
                removalsDue.TryRemove((connectionId, group), out _);
            }
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(
        string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendConnectionAsync(connectionId, methodName, args, cancellationToken));

    public override Task SendConnectionsAsync(
        IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(
        IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(
        string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(() => backplane.SendUsersAsync(userIds, methodName, args, cancellationToken));

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        backplane.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, Microsoft.AspNetCore.SignalR.Protocol.CompletionMessage result) =>
        backplane.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        backplane.TryGetReturnType(invocationId, out type);

    public void Dispose()
    {
        try
        {
            (backplane as IDisposable)?.Dispose();
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            // A node stopping while Redis is away: its subscriptions die with its connection anyway.
            LogUnsubscribeFailed(logger, e);
        }
    }

    private async Task SendAsync(Func<Task> send)
    {
        if (!await TryAsync(send))
        {
            metrics.BroadcastFailed();
        }
    }

    private async Task<bool> TryAsync(Func<Task> operation, bool evenWhenAway = false)
    {
        // Not asked at all while Redis is taken to be away: against one that hangs, each call
        // would wait out its timeout. What is skipped is mended as what failed.
        if (health.IsAway && !evenWhenAway)
        {
            monitor.NoteSkipped();
            return false;
        }

        try
        {
            await operation();
            return true;
        }
        catch (Exception e) when (RedisFaults.IsFault(e))
        {
            monitor.NoteFailure(e);
            LogBackplaneFailed(logger, e);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A backplane operation failed; the node goes on without it until Redis answers again")]
    private static partial void LogBackplaneFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {ConnectionId}, whose subscriptions failed while Redis was away, so that it reconnects whole")]
    private static partial void LogClosingUnsubscribed(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing from the backplane failed on shutdown")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception);
}
