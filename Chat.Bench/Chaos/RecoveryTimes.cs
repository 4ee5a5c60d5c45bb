using System.Diagnostics;

namespace Chat.Bench.Chaos;

/// <summary>
/// How long the cluster took to recover from one fault, counted from the fault's end: until
/// every node acked sends again, and until every member had every acked message issued before
/// the end. Null when it did not happen before the next fault began (or, for convergence, when
/// some member never got a message of that stretch at all).
/// </summary>
public sealed record Recovery(double? AcksBackSeconds, double? ConvergedSeconds, bool NeverConverged);

/// <summary>Works out each fault's <see cref="Recovery"/> from the ledger, in one pass over it for each measure.</summary>
public static class RecoveryTimes
{
    /// <summary>One recovery per fault; <paramref name="nodeOf"/> gives the node of the member at (room, slot).</summary>
    public static IReadOnlyList<Recovery> Measure(MessageLedger ledger, IReadOnlyList<FaultWindow> faults, Func<int, int, int> nodeOf, int nodes)
    {
        var count = faults.Count;
        var ends = faults.Select(f => f.EndedAt).ToArray();
        var nextStarts = faults.Select((f, i) => i + 1 < count ? faults[i + 1].StartedAt : long.MaxValue).ToArray();
        var acksBack = AcksBack(ledger, ends, nextStarts, nodeOf, nodes);
        var (converged, never) = Convergence(ledger, ends);
        return Enumerable.Range(0, count).Select(i =>
        {
            var within = nextStarts[i] - ends[i];
            double? Seconds(long ticks) => ticks <= within ? ticks / (double)Stopwatch.Frequency : null;
            return new Recovery(
                acksBack[i] is { } ack ? Seconds(ack) : null,
                never[i] ? null : Seconds(converged[i]),
                never[i]);
        }).ToList();
    }

    /// <summary>For each fault, the ticks from its end to the first ack on its slowest node, within its stretch.</summary>
    private static long?[] AcksBack(MessageLedger ledger, long[] ends, long[] nextStarts, Func<int, int, int> nodeOf, int nodes)
    {
        var first = new long[ends.Length, nodes];
        for (var f = 0; f < ends.Length; f++)
        {
            for (var n = 0; n < nodes; n++)
            {
                first[f, n] = long.MaxValue;
            }
        }

        for (long number = 0; number < ledger.Count; number++)
        {
            ref var message = ref ledger.At(number);
            if (message.Outcome != SendOutcome.Acked)
            {
                continue;
            }

            // The last fault that ended before this ack; the ack counts for it only before the next fault begins.
            var f = Array.BinarySearch(ends, message.SettledAt);
            f = f >= 0 ? f : ~f - 1;
            if (f >= 0 && message.SettledAt < nextStarts[f])
            {
                var node = nodeOf(message.Room, message.Sender);
                first[f, node] = Math.Min(first[f, node], message.SettledAt);
            }
        }

        var result = new long?[ends.Length];
        for (var f = 0; f < ends.Length; f++)
        {
            long slowest = 0;
            for (var n = 0; n < nodes && slowest != long.MaxValue; n++)
            {
                slowest = first[f, n] == long.MaxValue ? long.MaxValue : Math.Max(slowest, first[f, n] - ends[f]);
            }

            result[f] = slowest == long.MaxValue ? null : slowest;
        }

        return result;
    }

    /// <summary>
    /// For each fault, the ticks from its end until the last member received the last acked
    /// message issued before that end (0 when all had arrived by then), and whether some such
    /// message, issued since the fault before, never reached every member.
    /// </summary>
    private static (long[] Ticks, bool[] Never) Convergence(MessageLedger ledger, long[] ends)
    {
        var ticks = new long[ends.Length];
        var never = new bool[ends.Length];
        long lastArrival = 0;
        var f = 0;
        for (long number = 0; number < ledger.Count && f < ends.Length; number++)
        {
            ref var message = ref ledger.At(number);
            // Numbers follow issue times: once past this fault's end, its prefix is complete.
            for (; f < ends.Length && message.IssuedAt > ends[f]; f++)
            {
                ticks[f] = Math.Max(0, lastArrival - ends[f]);
            }

            if (f == ends.Length || message.Outcome != SendOutcome.Acked)
            {
                continue;
            }

            var arrival = FullyReceivedAt(ledger, number, message.Sender);
            if (arrival is { } at)
            {
                lastArrival = Math.Max(lastArrival, at);
            }
            else
            {
                never[f] = true;
            }
        }

        for (; f < ends.Length; f++)
        {
            ticks[f] = Math.Max(0, lastArrival - ends[f]);
        }

        return (ticks, never);
    }

    /// <summary>When the last member other than the sender received the message; null if one never did.</summary>
    public static long? FullyReceivedAt(MessageLedger ledger, long number, int sender)
    {
        long last = 0;
        for (var slot = 0; slot < ledger.MembersPerRoom; slot++)
        {
            if (slot == sender)
            {
                continue;
            }

            var at = ledger.ReceivedAt(number, slot);
            if (at == 0)
            {
                return null;
            }

            last = Math.Max(last, at);
        }

        return last;
    }
}
