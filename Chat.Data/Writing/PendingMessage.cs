namespace Chat.Data.Writing;

/// <summary>A send in the batched writer's queue, waiting for the commit that stores it.</summary>
internal sealed class PendingMessage(BatchItem item)
{
    public BatchItem Item { get; } = item;

    // Continuations run where the outcome is set: AckDispatcher sets it off the writer's loop.
    public TaskCompletionSource<AppendResult?> Completion { get; } = new();

    /// <summary>Completes the waiting sender with the message's result, or fails it with its error.</summary>
    public void Complete(BatchOutcome outcome)
    {
        if (outcome.Error is { } error)
        {
            Completion.TrySetException(error);
        }
        else
        {
            Completion.TrySetResult(outcome.Result);
        }
    }
}
