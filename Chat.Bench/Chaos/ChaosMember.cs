using System.Diagnostics;
using Chat.Bench.Targets;
using Chat.Client;
using Chat.Contracts;

namespace Chat.Bench.Chaos;

/// <summary>
/// One simulated member of a chaos run: a <see cref="ChatClient"/> in one room, on one node, with
/// the client's own defaults. It reconnects, catches up with Sync and repeats sends whose outcome
/// is unknown by itself: that is what the run tests, so the member adds no recovery of its own.
/// </summary>
public sealed class ChaosMember : IAsyncDisposable
{
    private readonly MessageLedger ledger;
    private readonly MessageMarker marker;
    private const int SamplesKept = 3;

    private readonly List<string> violationSamples = [];
    private long lastSeq;
    private long orderViolations;
    private long repeats;
    private long foreign;

    private readonly long runStart;

    public ChaosMember(BenchIdentity identity, int node, int room, int slot, Guid roomId, MessageLedger ledger, MessageMarker marker, long runStart)
    {
        this.runStart = runStart;
        Identity = identity;
        Node = node;
        Room = room;
        Slot = slot;
        RoomId = roomId;
        this.ledger = ledger;
        this.marker = marker;
        Client = new ChatClient(new ChatClientOptions
        {
            BaseAddress = identity.Node,
            AccessTokenProvider = () => Task.FromResult(identity.Token),
        });
        Client.MessageReceived += OnMessage;
    }

    public BenchIdentity Identity { get; }

    /// <summary>The node this member connects to (0 or 1).</summary>
    public int Node { get; }

    public int Room { get; }

    /// <summary>This member's place in its room, 0 to members - 1.</summary>
    public int Slot { get; }

    public Guid RoomId { get; }

    public ChatClient Client { get; }

    /// <summary>Messages of the run raised with a seq not above the one of the run raised before (repeats aside).</summary>
    public long OrderViolations => Interlocked.Read(ref orderViolations);

    /// <summary>Messages of the run raised a second time.</summary>
    public long Repeats => Interlocked.Read(ref repeats);

    /// <summary>The first few order violations, described for the report.</summary>
    public IReadOnlyList<string> ViolationSamples
    {
        get
        {
            lock (violationSamples)
            {
                return [.. violationSamples];
            }
        }
    }

    /// <summary>Messages raised for a room this member is not in.</summary>
    public long Foreign => Interlocked.Read(ref foreign);

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await Client.StartAsync(cancellationToken);
        await Client.JoinRoomAsync(RoomId, cancellationToken);
    }

    /// <summary>Sends message <paramref name="number"/> and records how it ended; never throws.</summary>
    public async Task SendAsync(long number)
    {
        // One clientMessageId per intended message: the client repeats the send with it while the
        // outcome is unknown, so the service can store it once.
        var request = new SendMessageRequest(RoomId.ToString(), ClientMessageIds.New().ToString(), "text", marker.Content(number));
        try
        {
            ledger.OnAcked(number, await Client.SendAsync(request));
        }
        catch (ChatServiceException e)
        {
            ledger.OnFailed(number, e.Code);
        }
        catch (Exception e)
        {
            ledger.OnFailed(number, e.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();

    // Raised by the client one message at a time, in the order it means them to be seen.
    private Task OnMessage(MessageDto message)
    {
        if (message.RoomId != RoomId)
        {
            Interlocked.Increment(ref foreign);
            return Task.CompletedTask;
        }

        // Only the run's own messages: the join notices of set-up are not part of it.
        if (message.Type != MessageType.Text || !marker.TryRead(message.Content, out var number))
        {
            return Task.CompletedTask;
        }

        if (!ledger.OnReceived(number, Slot))
        {
            Interlocked.Increment(ref repeats);
        }
        else if (message.Seq <= lastSeq)
        {
            Interlocked.Increment(ref orderViolations);
            lock (violationSamples)
            {
                if (violationSamples.Count < SamplesKept)
                {
                    violationSamples.Add($"seq {message.Seq} (#{number}) after seq {lastSeq}, at {Stopwatch.GetElapsedTime(runStart).TotalSeconds:F1} s");
                }
            }
        }

        lastSeq = Math.Max(lastSeq, message.Seq);
        return Task.CompletedTask;
    }
}
