using Chat.Hubs;
using Chat.Hubs.Outgoing;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
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

    private readonly FakeTimeProvider clock = new();
    private readonly ControlledConnection connection = new();
    private readonly QueuedConnection queued;

    public QueuedConnectionTests()
    {
        var options = Options.Create(new ChatOptions
        {
            MaxOutgoingBytesPerConnection = MaxQueuedBytes,
            MaxWriteWaitSeconds = (int)MaxWriteWait.TotalSeconds,
        });
        var limits = new OutgoingLimits(options, TestMetrics.Create(), NullLogger<OutgoingLimits>.Instance) { Clock = clock };
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

    private ValueTask Send(string method, int payloadBytes = 0) =>
        queued.WriteAsync(new SerializedHubMessage(new InvocationMessage(method, [new string('x', payloadBytes)])));

    /// <summary>A hub connection whose writes are recorded and, once stalled, complete when the test says.</summary>
    private sealed class ControlledConnection : HubConnectionContext, IConnectionLifetimeNotificationFeature, IConnectionLifetimeFeature
    {
        private TaskCompletionSource? stall;

        public ControlledConnection()
            : base(new DefaultConnectionContext("connection"), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
        {
            Protocol = new JsonHubProtocol();
            Features.Set<IConnectionLifetimeNotificationFeature>(this);
            Features.Set<IConnectionLifetimeFeature>(this);
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
}
