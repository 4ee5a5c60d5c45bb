using System.Text;
using Chat.Contracts;
using Chat.Data;

namespace Chat.Hubs.Messages;

/// <summary>
/// Keeps one answer of messages (a history page, a <c>Sync</c>) near a size: counts roughly what
/// each message weighs on the wire and refuses the ones past the budget, except those it is told
/// to take whatever their size.
/// </summary>
internal sealed class AnswerBudget(long maxBytes)
{
    // The ids, seq, names, times and framing of a message, whatever its content.
    private const int Overhead = 256;

    private long left = maxBytes;

    /// <summary>Takes <paramref name="message"/> if the budget still has room for it, or <paramref name="always"/>.</summary>
    public bool TryTake(MessageDto message, bool always)
    {
        var size = SizeOf(message);
        if (!always && size > left)
        {
            left = 0;
            return false;
        }

        left -= size;
        return true;
    }

    /// <summary>
    /// The messages, as clients see them, in the order given, while the budget lasts. The first is
    /// always taken, so a client paging on (a room of a <c>Sync</c>, a thread) moves by one
    /// message at least.
    /// </summary>
    public List<MessageDto> TakeWithin(IEnumerable<StoredMessage> messages)
    {
        var taken = new List<MessageDto>();
        foreach (var message in messages)
        {
            var dto = message.ToDto();
            if (!TryTake(dto, always: taken.Count == 0))
            {
                break;
            }

            taken.Add(dto);
        }

        return taken;
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
