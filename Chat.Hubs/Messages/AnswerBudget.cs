using System.Text;
using Chat.Contracts;

namespace Chat.Hubs.Messages;

/// <summary>
/// Keeps one answer of messages (a history page, a <c>Sync</c>) near a size: counts roughly what
/// each message weighs on the wire and refuses the ones past the budget. The first message is
/// always taken, so an answer is never empty while messages remain.
/// </summary>
internal sealed class AnswerBudget(long maxBytes)
{
    // The ids, seq, names, times and framing of a message, whatever its content.
    private const int Overhead = 256;

    private long left = maxBytes;
    private bool tookAny;

    /// <summary>Takes <paramref name="message"/> if the budget still has room for it.</summary>
    public bool TryTake(MessageDto message)
    {
        var size = SizeOf(message);
        if (tookAny && size > left)
        {
            left = 0;
            return false;
        }

        left -= size;
        tookAny = true;
        return true;
    }

    private static long SizeOf(MessageDto message)
    {
        long size = Overhead + Encoding.UTF8.GetByteCount(message.Content) + Encoding.UTF8.GetByteCount(message.SenderName);
        if (message.Metadata is { } metadata)
        {
            foreach (var (key, value) in metadata)
            {
                size += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
            }
        }

        return size + (message.Attachment?.FileName.Length ?? 0) + message.Reactions.Sum(r => r.Key.Length + 8);
    }
}
