namespace Chat.Data.Writing;

/// <summary>
/// Answers a stored batch's senders: one thread-pool work item per sender, in which that sender's
/// messages are answered one after another, in the order they were queued, with their
/// continuations (the broadcast, the ack) running inline. A connection's acks are then all written
/// to it before its transport's send loop wakes, and leave in one socket write; the client, woken
/// once, sends its next messages together too.
/// </summary>
/// <remarks>Never on the writer's loop: that must not broadcast on behalf of every sender.</remarks>
internal static class SenderReplies
{
    public static void Send(IReadOnlyList<PendingMessage> batch, IReadOnlyList<BatchAnswer> answers)
    {
        var bySender = new Dictionary<Guid, Replies>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var senderId = batch[i].Item.Message.SenderId;
            if (bySender.TryGetValue(senderId, out var replies))
            {
                replies.Add(batch[i], answers[i]);
            }
            else
            {
                bySender.Add(senderId, new Replies(batch[i], answers[i]));
            }
        }

        foreach (var replies in bySender.Values)
        {
            ThreadPool.UnsafeQueueUserWorkItem(replies, preferLocal: false);
        }
    }

    private sealed class Replies(PendingMessage first, BatchAnswer firstAnswer) : IThreadPoolWorkItem
    {
        // Most senders have one message in a batch: the list is made for the second.
        private List<(PendingMessage Pending, BatchAnswer Answer)>? more;

        public void Add(PendingMessage pending, BatchAnswer answer) => (more ??= new(4)).Add((pending, answer));

        public void Execute()
        {
            first.Answer(firstAnswer);
            if (more is null)
            {
                return;
            }

            foreach (var (pending, answer) in more)
            {
                pending.Answer(answer);
            }
        }
    }
}
