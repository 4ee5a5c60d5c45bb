using Chat.Hubs;
using Chat.Hubs.Outgoing;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Abstractions;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>
/// The stand-in that SignalR's lifetime manager writes to, over a connection whose writes
/// complete when the test says, on a clock the test moves.
/// </summary>
public sealed class QueuedConnectionTests
{
    private const int MaxQueuedBytes = 16 * 1024;
    private static readonly TimeSpan MaxWriteWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxUnacknowledged = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider clock = new();
    private readonly OutgoingLimits limits;
    private readonly ControlledConnection connection = new(statefulReconnect: false);
    private readonly QueuedConnection queued;

    public QueuedConnectionTests()
    {
        var options = Options.Create(new ChatOptions
        {
            MaxOutgoingBytesPerConnection = MaxQueuedBytes,
            MaxWriteWaitSeconds = (int)MaxWriteWait.TotalSeconds,
            MaxUnacknowledgedSeconds = (int)MaxUnacknowledged.TotalSeconds,
        });
        limits = new OutgoingLimits(options, TestMetrics.Create(), NullLogger<OutgoingLimits>.Instance) { Clock = clock };
        queued = new QueuedConnection(connection, limits);
    }

    [Fact]
    public void Messages_go_straight_to_a_connection_that_takes_them_in_the_order_sent()
    {
        Assert.True(Send("first").IsCompletedSuccessfully);
        Assert.True(queued.WriteAsync(new InvocationMessage("second", [])).IsCompletedSuccessfully);
        Send("third");

        Assert.Equal(["first", "second", "third"], connection.Written);
        Assert.Equal(0, queued.QueuedBytes);
    }

    [Fact]
    public void While_a_write_waits_the_sender_goes_on_and_later_messages_follow_it_in_order()
    {
        var stalled = connection.StallWrites();
        Send("first");

        // The lifetime manager's send to others is never held up by this connection.
        Assert.True(Send("second").IsCompletedSuccessfully);
        Assert.True(Send("third").IsCompletedSuccessfully);
        Assert.Equal(["first"], connection.Written);
        Assert.True(queued.QueuedBytes > 0);

        connection.TakeWrites();
        stalled.SetResult();

        Assert.Equal(["first", "second", "third"], connection.Written);
        Assert.Equal(0, queued.QueuedBytes);
        Send("fourth");
        Assert.Equal(["first", "second", "third", "fourth"], connection.Written);
    }

    [Fact]
    public void A_connection_with_more_bytes_waiting_than_its_bound_is_cut_off_and_what_waited_is_dropped()
    {
        var stalled = connection.StallWrites();
        Send("first");
        for (var i = 0; i < 3; i++)
        {
            Send($"queued {i}", payloadBytes: 4 * 1024);
        }

        Assert.False(connection.CloseRequested);

        Send("one too many", payloadBytes: 4 * 1024);

        Assert.True(connection.CloseRequested);
        Assert.Equal(0, queued.QueuedBytes);
        connection.TakeWrites();
        stalled.SetResult();
        Send("after the cut-off");
        Assert.Equal(["first"], connection.Written);
    }

    [Fact]
    public void A_write_that_waits_past_its_bound_cuts_the_connection_off_at_the_next_check()
    {
        connection.StallWrites();
        Send("first");

        clock.Advance(MaxWriteWait);
        queued.Check();
        Assert.False(connection.CloseRequested);

        clock.Advance(TimeSpan.FromMilliseconds(500));
        queued.Check();
        Assert.True(connection.CloseRequested);
        Assert.False(connection.TransportAborted);
    }

    [Fact]
    public void A_cut_off_connection_that_does_not_close_within_the_bound_loses_its_transport()
    {
        connection.StallWrites();
        Send("first");
        clock.Advance(MaxWriteWait + TimeSpan.FromSeconds(1));
        queued.Check();

        clock.Advance(MaxWriteWait);
        queued.Check();
        Assert.False(connection.TransportAborted);

        clock.Advance(TimeSpan.FromSeconds(1));
        queued.Check();
        Assert.True(connection.TransportAborted);
    }

    [Fact]
    public void A_closed_connection_drops_what_waited_and_is_never_cut_off()
    {
        connection.StallWrites();
        Send("first");
        Send("second");

        queued.Closed();
        clock.Advance(TimeSpan.FromMinutes(1));
        queued.Check();

        Assert.Equal(0, queued.QueuedBytes);
        Assert.False(connection.CloseRequested);
        Assert.False(connection.TransportAborted);
    }

    [Fact]
    public void A_stateful_client_that_leaves_a_delivery_unacknowledged_past_its_bound_is_cut_off()
    {
        var stateful = new ControlledConnection(statefulReconnect: true);
        var stand = new QueuedConnection(stateful, limits);
        stand.WriteAsync(Message("first"));

        clock.Advance(MaxUnacknowledged);
        stand.Check();
        Assert.False(stateful.CloseRequested);

        clock.Advance(TimeSpan.FromMilliseconds(500));
        stand.Check();
        Assert.True(stateful.CloseRequested);
    }

    [Fact]
    public void A_stateful_client_that_keeps_acknowledging_stays_however_long_it_receives()
    {
        var stateful = new ControlledConnection(statefulReconnect: true);
        var stand = new QueuedConnection(stateful, limits);
        for (var second = 0; second < 60; second++)
        {
            stand.WriteAsync(Message($"at {second} s"));
            clock.Advance(TimeSpan.FromSeconds(1));
            stateful.ReceiveAck();
            stand.Check();
        }

        Assert.False(stateful.CloseRequested);
        Assert.Equal(60, stateful.Written.Count);
    }

    [Fact]
    public void A_client_without_stateful_reconnect_owes_no_acknowledgements()
    {
        Send("first");
        clock.Advance(TimeSpan.FromMinutes(5));
        queued.Check();

        Assert.False(connection.CloseRequested);
    }

    private ValueTask Send(string method, int payloadBytes = 0) => queued.WriteAsync(Message(method, payloadBytes));

    private static SerializedHubMessage Message(string method, int payloadBytes = 0) =>
        new(new InvocationMessage(method, [new string('x', payloadBytes)]));

    /// <summary>
    /// A hub connection whose writes are recorded and, once stalled, complete when the test says;
    /// with <c>statefulReconnect</c>, one that negotiated it and asked for protocol version 2, as
    /// the handshake leaves it.
    /// </summary>
    private sealed class ControlledConnection : HubConnectionContext, IConnectionLifetimeNotificationFeature, IConnectionLifetimeFeature
    {
        private static readonly byte[] AckFrame = "{\"type\":8,\"sequenceId\":1}\u001e"u8.ToArray();
        private readonly AckTrackingProtocol protocol = new(new JsonHubProtocol());
        private TaskCompletionSource? stall;

        public ControlledConnection(bool statefulReconnect)
            : base(new DefaultConnectionContext("connection"), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
        {
            Protocol = protocol;
            Assert.True(protocol.IsVersionSupported(statefulReconnect ? 2 : 1));
            Features.Set<IConnectionLifetimeNotificationFeature>(this);
            Features.Set<IConnectionLifetimeFeature>(this);
            if (statefulReconnect)
            {
#pragma warning disable CA2252 // A preview interface: the stand-in only asks whether it is there.
                Features.Set<IStatefulReconnectFeature>(new NegotiatedStatefulReconnect());
#pragma warning restore CA2252
            }
        }

        /// <summary>An acknowledgement arrives from the client, through the protocol as off the wire.</summary>
        public void ReceiveAck()
        {
            var input = new System.Buffers.ReadOnlySequence<byte>(AckFrame);
            Assert.True(protocol.TryParseMessage(ref input, null!, out var message));
            Assert.IsType<AckMessage>(message);
        }



        public List<string> Written { get; } = [];

        public bool CloseRequested { get; private set; }

        public bool TransportAborted { get; private set; }

        public CancellationToken ConnectionClosedRequested { get; set; }

        public CancellationToken ConnectionClosed { get; set; }

        /// <summary>From now on every write waits for the returned source.</summary>
        public TaskCompletionSource StallWrites() => stall = new TaskCompletionSource();

        /// <summary>From now on writes complete at once again.</summary>
        public void TakeWrites() => stall = null;

        public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default) =>
            Record(message);

        public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default) =>
            Record(message.Message!);

        public void RequestClose() => CloseRequested = true;

        void IConnectionLifetimeFeature.Abort() => TransportAborted = true;

        private ValueTask Record(HubMessage message)
        {
            Written.Add(((InvocationMessage)message).Target);
            return stall is { } waiting ? new ValueTask(waiting.Task) : default;
        }
    }

#pragma warning disable CA2252 // A preview interface, implemented only to be there.
    private sealed class NegotiatedStatefulReconnect : IStatefulReconnectFeature
    {
        public void OnReconnected(Func<System.IO.Pipelines.PipeWriter, Task> notifyOnReconnect)
        {
        }

        public void DisableReconnect()
        {
        }
    }
#pragma warning restore CA2252
}
