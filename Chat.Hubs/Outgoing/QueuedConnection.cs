using System.Security.Claims;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Abstractions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// What SignalR's lifetime manager holds in place of a hub connection, so that no send waits for
/// one connection: a message goes to the connection at once when it takes it at once, and
/// otherwise queues behind the write under way. A connection whose queue passes
/// <see cref="OutgoingLimits.MaxQueuedBytes"/>, whose write waits longer than
/// <see cref="OutgoingLimits.MaxWriteWait"/>, or which (with stateful reconnect) leaves a delivery
/// unacknowledged longer than <see cref="OutgoingLimits.MaxUnacknowledged"/>, is cut off.
/// </summary>
/// <remarks>
/// SignalR's lifetime managers (the in-process one and Redis's) await each connection's write of
/// a group send, and the Redis one handles a channel's messages one after another: a member whose
/// client stops reading (its transport's buffer fills) or, with stateful reconnect, stops
/// acknowledging (its replay buffer fills) would hold up every later message of the room on the
/// node. Both managers write only through the connection objects they were given on connect, so
/// handing them this stand-in reaches every send, local or from Redis, without changing how they
/// serialize a message once for all its recipients. Only the hub's answers to the connection's
/// own calls go to the connection directly: they wait for nobody else.
/// <para>
/// A connection that is behind may get an answer to its own call before events queued here
/// earlier; clients order messages by seq, and one this far behind is about to be cut off.
/// </para>
/// </remarks>
internal sealed class QueuedConnection : HubConnectionContext
{
    private static readonly HubConnectionContextOptions StandInOptions = new();

    private readonly HubConnectionContext connection;
    private readonly OutgoingLimits limits;
    private readonly Lock gate = new();
    private readonly Queue<(SerializedHubMessage Message, int Bytes)> queue = new();
    private long queuedBytes;
    private bool writing;
    private long writeStartedAt;
    private bool closed;
    private long cutOffAt;
    private bool transportAborted;
    private readonly bool tracksAcks;
    private long unacknowledgedSince;

    // The base class wants a connection of its own; it gets an empty one, because every member the
    // lifetime managers use is forwarded to the real connection below.
    public QueuedConnection(HubConnectionContext connection, OutgoingLimits limits)
        : base(DetachedConnection.Instance, StandInOptions, NullLoggerFactory.Instance)
    {
        this.connection = connection;
        this.limits = limits;
        UserIdentifier = connection.UserIdentifier;

        // Stateful reconnect is on when the client negotiated it and its handshake asked for a
        // protocol version that has it; SignalR turns it off otherwise, and then nothing is acked.
        // The feature's interface is marked preview; it is only asked whether it is there.
#pragma warning disable CA2252
        var negotiated = connection.Features.Get<IStatefulReconnectFeature>() is not null;
#pragma warning restore CA2252
        if (negotiated && connection.Protocol is AckTrackingProtocol { ClientVersion: >= 2 } protocol)
        {
            tracksAcks = true;
            protocol.Acknowledged = Acknowledged;
        }
    }

    public override CancellationToken ConnectionAborted => connection.ConnectionAborted;

    public override string ConnectionId => connection.ConnectionId;

    public override ClaimsPrincipal User => connection.User;

    public override IFeatureCollection Features => connection.Features;

    public override IDictionary<object, object?> Items => connection.Items;

    public override IHubProtocol Protocol
    {
        get => connection.Protocol;
        set => connection.Protocol = value;
    }

    /// <summary>Bytes waiting behind the write under way.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (gate)
            {
                return queuedBytes;
            }
        }
    }

    public override void Abort() => connection.Abort();

    // Never waits: the lifetime manager's send to everyone else goes on at once.
    public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default)
    {
        Deliver(message, null);
        return default;
    }

    public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
    {
        Deliver(null, message);
        return default;
    }

    /// <summary>
    /// Checks the write under way and the oldest unacknowledged delivery against their time
    /// bounds, and drops the transport of a connection cut off a while ago that has not closed.
    /// </summary>
    public void Check()
    {
        var now = limits.Clock.GetTimestamp();
        long queued;
        TimeSpan waited;
        string reason;
        lock (gate)
        {
            if (closed)
            {
                if (cutOffAt == 0 || transportAborted || limits.Clock.GetElapsedTime(cutOffAt, now) <= limits.MaxWriteWait)
                {
                    return;
                }

                transportAborted = true;
                queued = -1;
                waited = default;
                reason = "";
            }
            else if (writing && limits.Clock.GetElapsedTime(writeStartedAt, now) is var writeWaited && writeWaited > limits.MaxWriteWait)
            {
                (reason, waited) = (CutOffReason.WriteWait, writeWaited);
                queued = CloseLocked(now);
            }
            else if (unacknowledgedSince != 0
                && limits.Clock.GetElapsedTime(unacknowledgedSince, now) is var unacknowledged && unacknowledged > limits.MaxUnacknowledged)
            {
                (reason, waited) = (CutOffReason.Unacknowledged, unacknowledged);
                queued = CloseLocked(now);
            }
            else
            {
                return;
            }
        }

        if (queued < 0)
        {
            limits.AbortTransport(connection);
        }
        else
        {
            limits.CutOff(connection, reason, queued, waited);
        }
    }

    /// <summary>The connection closed: what still waits for it is dropped.</summary>
    public void Closed()
    {
        lock (gate)
        {
            closed = true;
            queue.Clear();
            queuedBytes = 0;
        }
    }

    private void Deliver(HubMessage? message, SerializedHubMessage? serialized)
    {
        long overflow;
        TimeSpan waited;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            if (writing)
            {
                if (!Enqueue(serialized ?? new SerializedHubMessage(message!), out overflow, out waited))
                {
                    return;
                }
            }
            else
            {
                overflow = -1;
                waited = default;
                writing = true;
                writeStartedAt = limits.Clock.GetTimestamp();
                NoteDeliveryLocked(writeStartedAt);
            }
        }

        if (overflow >= 0)
        {
            limits.CutOff(connection, CutOffReason.OutgoingBytes, overflow, waited);
            return;
        }

        var write = serialized is null ? connection.WriteAsync(message!) : connection.WriteAsync(serialized);
        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    writing = false;
                    return;
                }
            }
        }

        // Either the write waits, or others queued meanwhile: from here on the queue is written
        // in order, each write after the one before, while the caller goes on.
        _ = WriteQueuedAsync(write);
    }

    private async Task WriteQueuedAsync(ValueTask write)
    {
        while (true)
        {
            try
            {
                await write;
            }
            catch (OperationCanceledException)
            {
                // The connection closed under the write; SignalR has dealt with it.
            }

            SerializedHubMessage next;
            lock (gate)
            {
                if (closed || !queue.TryDequeue(out var queued))
                {
                    writing = false;
                    return;
                }

                queuedBytes -= queued.Bytes;
                next = queued.Message;
                writeStartedAt = limits.Clock.GetTimestamp();
                NoteDeliveryLocked(writeStartedAt);
            }

            write = connection.WriteAsync(next);
        }
    }

    /// <summary>Queues a message; true when the queue passed its bound and the connection is now cut off.</summary>
    private bool Enqueue(SerializedHubMessage message, out long queued, out TimeSpan waited)
    {
        // The connection's own protocol serializes it now rather than at its write: the bytes are
        // what the bound counts, and SignalR keeps them for every other connection of that protocol.
        var bytes = message.GetSerializedMessage(connection.Protocol).Length;
        queue.Enqueue((message, bytes));
        queuedBytes += bytes;
        if (queuedBytes <= limits.MaxQueuedBytes)
        {
            queued = -1;
            waited = default;
            return false;
        }

        var now = limits.Clock.GetTimestamp();
        waited = limits.Clock.GetElapsedTime(writeStartedAt, now);
        queued = CloseLocked(now);
        return true;
    }

    /// <summary>The client acknowledged what it has received: the clock of unacknowledged deliveries starts again with the next.</summary>
    private void Acknowledged()
    {
        lock (gate)
        {
            unacknowledgedSince = 0;
        }
    }

    // An acknowledgement can leave out deliveries made while it was on its way; the next delivery
    // starts the clock again, and a client that has stopped acknowledging gets more of them.
    private void NoteDeliveryLocked(long now)
    {
        if (tracksAcks && unacknowledgedSince == 0)
        {
            unacknowledgedSince = now;
        }
    }

    /// <summary>
    /// What the base class is built on: nothing to register with and nothing to close, shared by
    /// every stand-in, so that one costs its queue and little else.
    /// </summary>
    private sealed class DetachedConnection : ConnectionContext
    {
        public static readonly DetachedConnection Instance = new();

        private static readonly FeatureCollection NoFeatures = new();

        public override string ConnectionId { get; set; } = "";

        public override IFeatureCollection Features => NoFeatures;

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override System.IO.Pipelines.IDuplexPipe Transport
        {
            get => throw new NotSupportedException("A stand-in has no transport of its own");
            set => throw new NotSupportedException("A stand-in has no transport of its own");
        }
    }

    private long CloseLocked(long now)
    {
        var queued = queuedBytes;
        closed = true;
        cutOffAt = now;
        queue.Clear();
        queuedBytes = 0;
        return queued;
    }
}
