using System.Text;
using Chat.Contracts;
using Chat.Data;

namespace Chat.Hubs.Bots;

/// <summary>
/// What a reply holds as the model produces it, and the events not yet sent. Text that arrives
/// while the previous delta still waits to be sent joins it (so a fast model sends a few deltas per
/// interval, not one per token) unless that delta is already part of a stored snapshot: a client
/// that read the snapshot skips events up to its <c>streamIndex</c>, so such a delta must not grow.
/// </summary>
public sealed class ReplyStream(Guid roomId, Guid messageId)
{
    private readonly Lock gate = new();
    private readonly StringBuilder content = new();
    private readonly List<MessagePartDto> parts = [];
    private List<MessageStreamingEvent> queued = [];
    private int nextIndex;
    private int storedThrough = -1;

    /// <summary>True once the model produced anything.</summary>
    public bool Started
    {
        get
        {
            lock (gate)
            {
                return nextIndex > 0;
            }
        }
    }

    public void AddText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        lock (gate)
        {
            content.Append(text);
            if (parts is [.., { Kind: PartKinds.Text } last])
            {
                parts[^1] = last with { Text = last.Text + text };
            }
            else
            {
                parts.Add(new MessagePartDto(PartKinds.Text, Text: text));
            }

            if (queued is [.., { Kind: PartKinds.TextDelta } waiting] && waiting.Index > storedThrough)
            {
                queued[^1] = waiting with { Text = waiting.Text + text };
            }
            else
            {
                queued.Add(new MessageStreamingEvent(roomId, messageId, nextIndex++, PartKinds.TextDelta, Text: text));
            }
        }
    }

    public void AddToolCall(string callId, string name, string arguments)
    {
        lock (gate)
        {
            parts.Add(new MessagePartDto(PartKinds.ToolCall, CallId: callId, Name: name, Arguments: arguments));
            queued.Add(new MessageStreamingEvent(roomId, messageId, nextIndex++, PartKinds.ToolCall, CallId: callId, Name: name, Arguments: arguments));
        }
    }

    public void AddToolResult(string callId, string result, bool isError)
    {
        lock (gate)
        {
            parts.Add(new MessagePartDto(PartKinds.ToolResult, CallId: callId, Result: result, IsError: isError));
            queued.Add(new MessageStreamingEvent(roomId, messageId, nextIndex++, PartKinds.ToolResult, CallId: callId, Result: result, IsError: isError));
        }
    }

    /// <summary>The events to send, in order; they leave the queue.</summary>
    public List<MessageStreamingEvent> TakeQueued()
    {
        lock (gate)
        {
            var taken = queued;
            queued = [];
            return taken;
        }
    }

    /// <summary>What the reply holds now, to store: everything up to the last event handed out or queued.</summary>
    public ReplyProgress Snapshot()
    {
        lock (gate)
        {
            storedThrough = nextIndex - 1;
            return new ReplyProgress(content.ToString(), [.. parts], storedThrough);
        }
    }
}
