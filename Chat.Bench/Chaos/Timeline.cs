using System.Diagnostics;

namespace Chat.Bench.Chaos;

/// <summary>One second of a chaos run: sends issued, acks by the node of their sender, and receipts by members.</summary>
public sealed record TimelineSecond(int Second, int Sent, IReadOnlyList<int> AckedByNode, int Received);

/// <summary>
/// The run second by second, from the ledger: what the recovery times sum up, to be read beside
/// the faults' times and the nodes' logs (it goes to <c>--out</c>, not to the console).
/// </summary>
public static class Timeline
{
    public static IReadOnlyList<TimelineSecond> Build(MessageLedger ledger, long runStart, Func<int, int, int> nodeOf, int nodes)
    {
        var sent = new List<int>();
        var acked = new List<int[]>();
        var received = new List<int>();

        int Second(long timestamp)
        {
            var second = (int)Math.Max(0, (timestamp - runStart) / Stopwatch.Frequency);
            while (sent.Count <= second)
            {
                sent.Add(0);
                acked.Add(new int[nodes]);
                received.Add(0);
            }

            return second;
        }

        for (long number = 0; number < ledger.Count; number++)
        {
            var message = ledger.At(number);
            sent[Second(message.IssuedAt)]++;
            if (message.Outcome == SendOutcome.Acked)
            {
                acked[Second(message.SettledAt)][nodeOf(message.Room, message.Sender)]++;
            }

            for (var slot = 0; slot < ledger.MembersPerRoom; slot++)
            {
                if (ledger.ReceivedAt(number, slot) is var at and not 0)
                {
                    received[Second(at)]++;
                }
            }
        }

        return [.. sent.Select((count, second) => new TimelineSecond(second, count, acked[second], received[second]))];
    }
}
