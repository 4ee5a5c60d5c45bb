using System.Collections.Concurrent;
using System.Diagnostics;
using Chat.Contracts;

namespace Chat.Bench.Chaos;

/// <summary>How a send ended, as its sender saw it.</summary>
public enum SendOutcome : byte
{
    /// <summary>Still under way (the client may be retrying it).</summary>
    Pending,
    Acked,
    Failed,
}

/// <summary>One intended message: who sent it where, when, and what the sender was told.</summary>
public struct SentMessage
{
    public int Room;
    public int Sender;
    public long IssuedAt;
    public long SettledAt;
    public Guid MessageId;
    public long Seq;
    public SendOutcome Outcome;
    public bool Duplicate;
}

/// <summary>
/// The record a chaos run keeps of every intended message, numbered in the order they were
/// issued: its send's outcome and, for each member of its room, when that member received it
/// (live or through Sync). The checker compares this with what the database holds. Stored in
/// chunks of plain structs and timestamps, as a long run issues millions of messages.
/// </summary>
public sealed class MessageLedger(int membersPerRoom)
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = 1 << 15;

    private readonly SentMessage[]?[] messages = new SentMessage[MaxChunks][];

    // Stopwatch timestamps, membersPerRoom per message; 0 is "not received".
    private readonly long[]?[] receipts = new long[MaxChunks][];
    private readonly Lock issuing = new();
    private readonly ConcurrentDictionary<string, long> failures = new();
    private long count;
    private long acked;
    private long failed;
    private long received;

    public int MembersPerRoom { get; } = membersPerRoom;

    /// <summary>Messages issued so far; they are numbered 0 to Count - 1.</summary>
    public long Count => Interlocked.Read(ref count);

    public long Acked => Interlocked.Read(ref acked);

    public long Failed => Interlocked.Read(ref failed);

    public long InFlight => Count - Acked - Failed;

    /// <summary>Receipts by members, live or through Sync, repeats not counted.</summary>
    public long Received => Interlocked.Read(ref received);

    public IReadOnlyDictionary<string, long> Failures => failures;

    /// <summary>Numbers a new message of <paramref name="sender"/> (its place in the room) in <paramref name="room"/>.</summary>
    public long Issue(int room, int sender)
    {
        lock (issuing)
        {
            var number = count;
            var chunk = (int)(number >> ChunkBits);
            if (messages[chunk] is null)
            {
                receipts[chunk] = new long[ChunkSize * MembersPerRoom];
                messages[chunk] = new SentMessage[ChunkSize];
            }

            // Numbers follow the issue time, which the recovery times rely on.
            messages[chunk]![number & (ChunkSize - 1)] = new SentMessage { Room = room, Sender = sender, IssuedAt = Stopwatch.GetTimestamp() };
            Interlocked.Increment(ref count);
            return number;
        }
    }

    public void OnAcked(long number, MessageAck ack)
    {
        ref var message = ref At(number);
        message.MessageId = ack.MessageId;
        message.Seq = ack.Seq;
        message.Duplicate = ack.Duplicate;
        message.SettledAt = Stopwatch.GetTimestamp();
        message.Outcome = SendOutcome.Acked;
        Interlocked.Increment(ref acked);
    }

    public void OnFailed(long number, string code)
    {
        ref var message = ref At(number);
        message.SettledAt = Stopwatch.GetTimestamp();
        message.Outcome = SendOutcome.Failed;
        failures.AddOrUpdate(code, 1, (_, n) => n + 1);
        Interlocked.Increment(ref failed);
    }

    /// <summary>Notes that the member at <paramref name="slot"/> of the message's room received it; false if it had already.</summary>
    public bool OnReceived(long number, int slot)
    {
        if (number < 0 || number >= Count)
        {
            return false;
        }

        ref var at = ref receipts[number >> ChunkBits]![((number & (ChunkSize - 1)) * MembersPerRoom) + slot];
        if (at != 0)
        {
            return false;
        }

        at = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref received);
        return true;
    }

    public ref SentMessage At(long number) => ref messages[number >> ChunkBits]![number & (ChunkSize - 1)];

    /// <summary>When the member at <paramref name="slot"/> received message <paramref name="number"/>; 0 if never.</summary>
    public long ReceivedAt(long number, int slot) =>
        receipts[number >> ChunkBits]![((number & (ChunkSize - 1)) * MembersPerRoom) + slot];
}
