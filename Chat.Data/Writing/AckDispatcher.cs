namespace Chat.Data.Writing;

/// <summary>
/// Completes a stored batch's waiting senders: one thread-pool work item per sender, in which that
/// sender's messages are completed one after another, in the order they were queued, with their
/// continuations (the broadcast, the ack) running inline. A connection's acks are then all written
/// to it before its transport's send loop wakes, and leave in one socket write; the client, woken
/// once, sends its next messages together too.
/// </summary>
/// <remarks>Never on the writer's loop: that must not broadcast on behalf of every sender.</remarks>
internal static class AckDispatcher
{
    /// <summary>Completes each of <paramref name="batch"/> with the outcome at the same index.</summary>
    public static void Dispatch(IReadOnlyList<PendingMessage> batch, IReadOnlyList<BatchOutcome> outcomes)
    {
        var bySender = new Dictionary<Guid, SenderAcks>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var senderId = batch[i].Item.Message.SenderId;
            if (bySender.TryGetValue(senderId, out var acks))
            {
                acks.Add(batch[i], outcomes[i]);
            }
            else
            {
                bySender.Add(senderId, new SenderAcks(batch[i], outcomes[i]));
            }
        }

        foreach (var acks in bySender.Values)
        {
            ThreadPool.UnsafeQueueUserWorkItem(acks, preferLocal: false);
        }
    }

    private sealed class SenderAcks(PendingMessage first, BatchOutcome firstOutcome) : IThreadPoolWorkItem
    {
        // Most senders have one message in a batch: the list is made for the second.
        private List<(PendingMessage Pending, BatchOutcome Outcome)>? more;

        public void Add(PendingMessage pending, BatchOutcome outcome) => (more ??= new(4)).Add((pending, outcome));

        public void Execute()
        {
            first.Complete(firstOutcome);
            if (more is null)
            {
                return;
            }

            foreach (var (pending, outcome) in more)
            {
                pending.Complete(outcome);
            }
        }
    }
}
