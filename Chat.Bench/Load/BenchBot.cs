using System.Globalization;

namespace Chat.Bench.Load;

/// <summary>
/// The bot of the bots scenario: a scripted bot declared on every node the bench starts, added to
/// each room, that echoes each trigger word by word and stamps every word with the node's clock
/// (<c>StampWords</c>), so a member can tell how old a delta's text was when it arrived.
/// </summary>
public static class BenchBot
{
    public const string UserName = "benchbot";

    /// <summary>The node settings that declare the bot and lift the bot limits out of the load's way.</summary>
    public static IEnumerable<KeyValuePair<string, string>> NodeEnvironment(BenchSettings settings) =>
    [
        new("Bots__0__UserName", UserName),
        new("Bots__0__DisplayName", "Bench bot"),
        new("Bots__0__Provider", "scripted"),
        new("Bots__0__WordDelayMilliseconds", settings.WordDelay.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)),
        new("Bots__0__StampWords", "true"),
        new("Bots__0__MaxOutputTokens", "100000"),
        new("RateLimits__BotTriggersPerUser__Permits", "1000000"),
        new("RateLimits__BotTriggersPerUser__WindowSeconds", "1"),
        new("RateLimits__BotTriggersPerRoom__Permits", "1000000"),
        new("RateLimits__BotTriggersPerRoom__WindowSeconds", "1"),
        new("BotRuns__MaxRepliesPerRoom", "100"),
        new("BotRuns__MaxRepliesPerNode", "10000"),
        new("BotRuns__QueueCapacity", "1000000"),
    ];

    /// <summary>
    /// What follows the sender's stamp in a trigger: the mention, then the words the bot echoes
    /// (the reply is "You said:", the stamp, the mention and these).
    /// </summary>
    public static string TriggerPadding(int words) =>
        $" @{UserName}" + string.Concat(Enumerable.Range(0, words).Select(i => $" w{i}"));

    /// <summary>
    /// The node's clock on the first word of a delta's text, in Unix microseconds, when the delta
    /// starts with a stamped word (<c>1765100000123456:word</c>).
    /// </summary>
    public static bool TryReadStamp(string? text, out long unixMicroseconds)
    {
        var span = text.AsSpan().TrimStart(' ');
        var colon = span.IndexOf(':');
        unixMicroseconds = 0;
        return colon > 0 && long.TryParse(span[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out unixMicroseconds);
    }

    /// <summary>Now on the same clock as the stamps.</summary>
    public static long UnixMicrosecondsNow() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}
