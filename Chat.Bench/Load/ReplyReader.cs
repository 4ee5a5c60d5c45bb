using System.Collections.Concurrent;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Load;

/// <summary>
/// One member's view of the bots' streamed replies: each reply it saw begin, the index it expects
/// next, and the end. Deltas are timed by the stamp on their first word (see <see cref="BenchBot"/>).
/// </summary>
public sealed class ReplyReader
{
    private readonly ReplyMetrics metrics;
    private readonly ConcurrentDictionary<Guid, int> nextIndex = new();

    public ReplyReader(HubConnection connection, ReplyMetrics metrics)
    {
        this.metrics = metrics;
        connection.On<MessageStreamingEvent>(nameof(IChatClient.MessageStreaming), OnDelta);
        connection.On<MessageDto>(nameof(IChatClient.MessageUpdated), OnUpdated);
    }

    /// <summary>Takes a reply that begins; false for any other message.</summary>
    public bool TryBegin(MessageDto message)
    {
        if (message.Status != MessageStatus.Streaming)
        {
            return false;
        }

        if (nextIndex.TryAdd(message.Id, message.StreamIndex is { } stored ? stored + 1 : 0))
        {
            metrics.OnStarted();
        }

        return true;
    }

    private void OnDelta(MessageStreamingEvent delta)
    {
        long? age = delta.Kind == PartKinds.TextDelta && BenchBot.TryReadStamp(delta.Text, out var stamp)
            ? BenchBot.UnixMicrosecondsNow() - stamp
            : null;
        metrics.OnDelta(age);
        if (!nextIndex.TryGetValue(delta.MessageId, out var expected) || expected != delta.Index)
        {
            metrics.OnGap();
        }

        nextIndex[delta.MessageId] = delta.Index + 1;
    }

    private void OnUpdated(MessageDto message)
    {
        if (message.Status != MessageStatus.Streaming && nextIndex.TryRemove(message.Id, out _))
        {
            metrics.OnEnded(message.Status == MessageStatus.Complete);
        }
    }
}
