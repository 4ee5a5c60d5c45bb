using System.Globalization;

namespace Chat.Bench.Chaos;

/// <summary>
/// The payload that makes each intended message of a run recognisable wherever it turns up (a
/// live event, a Sync answer, a database row): <c>chaos-RUN-N</c>, N its number in the ledger.
/// Two rows with one marker are one message stored twice, whatever their ids say.
/// </summary>
public sealed class MessageMarker
{
    private readonly string prefix;
    private readonly string padding;

    public MessageMarker(string run, int messageSize)
    {
        prefix = $"chaos-{run}-";
        // Content of about the asked size, as the other scenarios send.
        padding = " " + new string('x', Math.Max(1, messageSize - prefix.Length - 8));
    }

    public string Content(long number) => string.Concat(prefix, number.ToString(CultureInfo.InvariantCulture), padding);

    /// <summary>The number in a message of this run; false for anything else.</summary>
    public bool TryRead(string content, out long number)
    {
        number = -1;
        if (!content.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = content.AsSpan(prefix.Length);
        var end = digits.IndexOf(' ');
        return long.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
