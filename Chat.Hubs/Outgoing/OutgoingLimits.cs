using Chat.Data;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// The bounds on what may wait for one hub connection, and what becomes of a connection that
/// passes one: it is counted, logged and closed; its client reconnects and calls <c>Sync</c>.
/// </summary>
internal sealed class OutgoingLimits(IOptions<ChatOptions> options, ChatMetrics metrics, ILogger<OutgoingLimits> logger)
{
    /// <summary>Bytes that may queue behind a write the connection has not taken.</summary>
    public long MaxQueuedBytes { get; } = options.Value.MaxOutgoingBytesPerConnection;

    /// <summary>How long one write may wait; also how long a cut-off connection gets to close by itself.</summary>
    public TimeSpan MaxWriteWait { get; } = TimeSpan.FromSeconds(options.Value.MaxWriteWaitSeconds);

    /// <summary>How long a stateful-reconnect client may leave a delivery unacknowledged.</summary>
    public TimeSpan MaxUnacknowledged { get; } = TimeSpan.FromSeconds(options.Value.MaxUnacknowledgedSeconds);

    /// <summary>
    /// The clock of the bounds: the system's, not the injected one. They time the network, which
    /// runs on real time; a test that moves a fake clock by minutes must not find every write
    /// under way minutes old.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Counts, logs and closes a connection that passed a bound.</summary>
    public void CutOff(HubConnectionContext connection, string reason, long queuedBytes, TimeSpan waited)
    {
        metrics.ConnectionCutOff(reason);
        logger.LogWarning(
            "Cut off connection {ConnectionId} of user {UserId} ({Reason}): {QueuedBytes} bytes were waiting for it, and its oldest write or delivery for {WaitedMs} ms",
            connection.ConnectionId, connection.UserIdentifier, reason, queuedBytes, (long)waited.TotalMilliseconds);

        // Closed as SignalR closes a connection whose token expired: its write under way stops
        // waiting at once, and the client is sent a close that invites it to reconnect.
        try
        {
            if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
            {
                lifetime.RequestClose();
            }
            else
            {
                connection.Abort();
            }
        }
        catch (ObjectDisposedException)
        {
            // It closed meanwhile.
        }
    }

    /// <summary>
    /// Drops the transport of a cut-off connection that has not closed by itself: its close
    /// message waits behind data the client does not read, and only a dropped socket ends that.
    /// </summary>
    public void AbortTransport(HubConnectionContext connection)
    {
        logger.LogInformation("Dropping the transport of connection {ConnectionId}, which was cut off and has not closed", connection.ConnectionId);
        try
        {
            if (connection.Features.Get<IConnectionLifetimeFeature>() is { } lifetime)
            {
                lifetime.Abort();
            }
            else
            {
                connection.Abort();
            }
        }
        catch (ObjectDisposedException)
        {
            // It closed meanwhile (a client that came back after a long pause, say): nothing is left to drop.
        }
    }
}
