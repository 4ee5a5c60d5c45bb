namespace Chat.Hubs.Mentions;

/// <summary>
/// The <c>@userName</c>s a text names, as written: each a list of the names it may stand for, the
/// likeliest first (<c>@bob.</c> at the end of a sentence is <c>bob.</c> if there is such a user,
/// else <c>bob</c>); and whether it says <c>@room</c>.
/// </summary>
internal sealed record MentionedNames(IReadOnlyList<string[]> Names, bool Room)
{
    public static readonly MentionedNames None = new([], false);

    /// <summary>Every name the text may mean, once each, for one look-up.</summary>
    public string[] Candidates() => [.. Names.SelectMany(n => n).Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// Finds mentions in a message's text: <c>@</c> and a userName (3 to 32 of <c>[a-z0-9_.-]</c>,
/// any case), not inside a word or an e-mail address. Who they are is the
/// <see cref="MentionService"/>'s question; this only reads the text.
/// </summary>
internal static class MentionParser
{
    /// <summary>The word that mentions every member of the room (from a moderator).</summary>
    public const string Room = "room";

    // A message may name a handful of people; past this the rest is not looked up.
    private const int MaxNames = 50;

    private const int MinLength = 3;
    private const int MaxLength = 32;

    /// <summary>The mentions in <paramref name="text"/>, in the order they are written.</summary>
    public static MentionedNames Parse(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return MentionedNames.None;
        }

        var names = new List<string[]>();
        var room = false;
        for (; at >= 0 && names.Count < MaxNames; at = text.IndexOf('@', at + 1))
        {
            // "bob@example.com", "x@@bob": part of a word or an address, not a mention.
            if (at > 0 && IsWordOrAddress(text[at - 1]))
            {
                continue;
            }

            var end = at + 1;
            while (end < text.Length && IsNameChar(text[end]))
            {
                end++;
            }

            // "@bob@example.com" is an address, "@bobé" a longer word.
            if (end < text.Length && (text[end] == '@' || char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            var written = text[(at + 1)..end].ToLowerInvariant();
            // A sentence's full stop (or a dash) after the name is not part of it, unless a user is called so.
            var trimmed = written.TrimEnd('.', '-');
            if (trimmed == Room)
            {
                room = true;
                continue;
            }

            string[] meanings = (IsUserName(written), trimmed != written && IsUserName(trimmed)) switch
            {
                (true, true) => [written, trimmed],
                (true, false) => [written],
                (false, true) => [trimmed],
                _ => [],
            };
            if (meanings.Length > 0)
            {
                names.Add(meanings);
            }
        }

        return names.Count == 0 && !room ? MentionedNames.None : new MentionedNames(names, room);
    }

    private static bool IsUserName(string name) => name.Length is >= MinLength and <= MaxLength;

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    private static bool IsWordOrAddress(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '+' or '@' or '/';
}
