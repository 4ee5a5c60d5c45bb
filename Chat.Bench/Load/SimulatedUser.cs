using System.Diagnostics;
using System.Globalization;
using Chat.Bench.Targets;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Load;

/// <summary>
/// One simulated user: one connection to the target, in the protocol the target speaks. The
/// content of every message it sends starts with the sender's <see cref="Stopwatch"/>
/// timestamp, so a receiver in this same process measures send-to-receipt latency without
/// clocks to agree on.
/// </summary>
public sealed class SimulatedUser : IAsyncDisposable
{
    private readonly LoadMetrics metrics;
    private long received;
    private long acked;

    public SimulatedUser(BenchIdentity identity, TargetWire wire, bool json, LoopbackConnector connector, LoadMetrics metrics, ReplyMetrics? replies = null)
    {
        Identity = identity;
        this.metrics = metrics;
        if (wire == TargetWire.SocketIo)
        {
            Connection = new SocketIoConnection(identity.Node, connector, OnStamped);
            return;
        }

        var hub = new HubLoadConnection(identity.Node, identity.Token, json, connector, OnMessage);
        Connection = hub;
        Replies = replies is null ? null : new ReplyReader(hub.Hub, replies);
    }

    public BenchIdentity Identity { get; }

    public ILoadConnection Connection { get; }

    /// <summary>The SignalR connection of a user of the chat service or the bare hub.</summary>
    public HubConnection Hub => (Connection as HubLoadConnection)?.Hub
        ?? throw new InvalidOperationException("this user does not speak SignalR");

    /// <summary>What this member sees of the bots' streamed replies, in the bots scenario.</summary>
    public ReplyReader? Replies { get; }

    /// <summary>The room this user sends to, and how many others receive what it sends.</summary>
    public (string RoomId, int Receivers) Room { get; set; }

    /// <summary>Stamped messages this user received.</summary>
    public long Received => Interlocked.Read(ref received);

    /// <summary>Messages this user sent that the server acknowledged.</summary>
    public long Acked => Interlocked.Read(ref acked);

    /// <summary>
    /// Gives each user its room: <paramref name="users"/> lie room by room, the members of room r
    /// from <c>users[r * membersPerRoom]</c> on, and each sends to the others of its room.
    /// </summary>
    public static void Seat(IReadOnlyList<SimulatedUser> users, IReadOnlyList<Guid> rooms, int membersPerRoom)
    {
        for (var i = 0; i < users.Count && membersPerRoom > 0; i++)
        {
            users[i].Room = (rooms[i / membersPerRoom].ToString(), membersPerRoom - 1);
        }
    }

    /// <summary>Sends one message to <see cref="Room"/> and records its ack or its error.</summary>
    public async Task SendAsync(string padding)
    {
        var (roomId, receivers) = Room;
        var stamp = Stopwatch.GetTimestamp();
        var content = string.Concat(stamp.ToString(CultureInfo.InvariantCulture), padding);
        metrics.OnSend();
        try
        {
            await Connection.SendMessageAsync(roomId, ClientMessageIds.New().ToString(), content);
            Interlocked.Increment(ref acked);
            metrics.OnAck(stamp, receivers);
        }
        catch (Exception e)
        {
            metrics.OnSendFailed(ErrorCode(e));
        }
    }

    /// <summary>The contract's error code of a hub failure, or the exception's type for anything else.</summary>
    public static string ErrorCode(Exception e) => e switch
    {
        HubException { Message: var message } when message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon =>
            message[..colon].Trim(),
        _ => e.GetType().Name,
    };

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void OnMessage(MessageDto message)
    {
        // Join and leave notices travel as messages too, and bots' replies are counted apart;
        // only the load's own text is measured here.
        if (message.Type != MessageType.Text || Replies?.TryBegin(message) == true)
        {
            return;
        }

        OnStamped(message.Content);
    }

    private void OnStamped(string text)
    {
        var content = text.AsSpan();
        var end = content.IndexOf(' ');
        if (end > 0 && long.TryParse(content[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var stamp))
        {
            Interlocked.Increment(ref received);
            metrics.OnDelivered(stamp);
        }
        else
        {
            metrics.OnError("unstamped_message");
        }
    }
}
