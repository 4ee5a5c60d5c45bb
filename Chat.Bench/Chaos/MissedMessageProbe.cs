using Chat.Contracts;

namespace Chat.Bench.Chaos;

/// <summary>
/// For a run that did not converge: asks the service, on the connection of each member that
/// missed acked messages, what a Sync from just before the first missed seq returns. A missed
/// message in that answer was the client's to raise (it synced from too far on, or dropped it);
/// one absent from it is withheld by the service.
/// </summary>
public static class MissedMessageProbe
{
    private const int MembersExamined = 10;
    private const int PagesPerMember = 100;

    public static async Task<IReadOnlyList<string>> RunAsync(MessageLedger ledger, IReadOnlyList<ChaosMember> members, CancellationToken cancellationToken)
    {
        var missed = new Dictionary<ChaosMember, List<SentMessage>>();
        for (long number = 0; number < ledger.Count; number++)
        {
            var message = ledger.At(number);
            if (message.Outcome != SendOutcome.Acked)
            {
                continue;
            }

            for (var slot = 0; slot < ledger.MembersPerRoom; slot++)
            {
                if (slot != message.Sender && ledger.ReceivedAt(number, slot) == 0)
                {
                    var member = members[(message.Room * ledger.MembersPerRoom) + slot];
                    (missed.TryGetValue(member, out var list) ? list : missed[member] = []).Add(message);
                }
            }
        }

        var lines = new List<string>();
        if (missed.Count == 0)
        {
            return lines;
        }

        lines.Add($"{missed.Values.Sum(l => l.Count):N0} missed receipts at {missed.Count:N0} members; the first {Math.Min(MembersExamined, missed.Count)} members asked again:");
        foreach (var (member, messages) in missed.Take(MembersExamined))
        {
            var first = messages.Min(m => m.Seq);
            var last = messages.Max(m => m.Seq);
            string found;
            try
            {
                var ids = await SyncedIdsAsync(member, first - 1, last, cancellationToken);
                found = $"a Sync from seq {first - 1} returns {messages.Count(m => ids.Contains(m.MessageId))} of them";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                found = $"a Sync failed: {e.Message}";
            }

            lines.Add($"  {ChaosCluster.NodeName(member.Node)} room {member.Room} member {member.Slot} ({member.Client.State}): " +
                $"missed {messages.Count} (seq {first}..{last}); {found}");
        }

        return lines;
    }

    private static async Task<HashSet<Guid>> SyncedIdsAsync(ChaosMember member, long afterSeq, long lastSeq, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        for (var page = 0; page < PagesPerMember && afterSeq < lastSeq; page++)
        {
            var result = await member.Client.SyncAsync(new SyncRequest([new SyncRoomRequest(member.RoomId.ToString(), afterSeq)]), cancellationToken);
            var room = result.Rooms.Single();
            foreach (var message in room.Messages)
            {
                ids.Add(message.Id);
                afterSeq = Math.Max(afterSeq, message.Seq);
            }

            if (!room.HasMore || room.Messages.Count == 0)
            {
                break;
            }
        }

        return ids;
    }
}
