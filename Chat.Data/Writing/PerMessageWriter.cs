namespace Chat.Data.Writing;

/// <summary>One transaction per message: the sender waits for its own commit only.</summary>
internal sealed class PerMessageWriter(MessageRepository messages, ChatMetrics metrics) : IMessageWriter
{
    public async Task<AppendResult?> AppendAsync(
        NewMessage message, ISendPermission? permission = null, Action? queued = null, CancellationToken cancellationToken = default)
    {
        var result = await messages.AppendAsync(message, permission, cancellationToken);
        metrics.BatchWritten(1);
        // Transactions of their own commit in any order, so the next message waits for this commit.
        queued?.Invoke();
        return result;
    }
}
