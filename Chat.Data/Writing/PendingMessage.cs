namespace Chat.Data.Writing;

/// <summary>A send in the batched writer's queue, waiting for the commit that stores it.</summary>
internal sealed class PendingMessage(BatchItem item)
{
    public BatchItem Item { get; } = item;

    // Continuations run where the answer is given: SenderReplies gives it off the writer's loop.
    public TaskCompletionSource<AppendResult?> Completion { get; } = new();

    public void Answer(BatchAnswer answer)
    {
        if (answer.Refusal is { } refusal)
        {
            Completion.TrySetException(refusal);
        }
        else
        {
            Completion.TrySetResult(answer.Result);
        }
    }
}
