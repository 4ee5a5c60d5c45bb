using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Chat.Hubs.Reactions;

/// <summary>
/// Decides whether a reaction is one emoji: a single extended grapheme cluster (what a user
/// perceives as one character) built only from emoji code points and the marks that combine
/// them: zero-width joiners, variation selector-16, skin-tone modifiers, regional-indicator pairs
/// (flags), keycaps and tag sequences (subdivision flags).
/// </summary>
public static class Emoji
{
    /// <summary>Longer than any emoji in use today (the longest ZWJ sequences are about 15 UTF-16 units).</summary>
    public const int MaxLength = 32;

    private const int ZeroWidthJoiner = 0x200D;
    private const int VariationSelector16 = 0xFE0F;
    private const int CombiningKeycap = 0x20E3;

    public static bool IsSingleEmoji([NotNullWhen(true)] string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || new StringInfo(text).LengthInTextElements != 1)
        {
            return false;
        }

        if (Runes(text) is not [var first, ..] runes)
        {
            return false;
        }

        if (first is (>= '0' and <= '9') or '#' or '*')
        {
            // A keycap: digit, # or * with an optional VS16 and the enclosing keycap mark. A bare
            // digit is one grapheme too, but text, not an emoji.
            return runes is [_, CombiningKeycap] or [_, VariationSelector16, CombiningKeycap];
        }

        if (IsRegionalIndicator(first))
        {
            // A flag is exactly two regional indicators; one alone renders as a boxed letter.
            return runes is [_, var second] && IsRegionalIndicator(second);
        }

        return IsPictograph(first) && runes.Skip(1).All(IsCombinable);
    }

    /// <summary>The code points of <paramref name="text"/>; empty when it is not well-formed UTF-16 (a lone surrogate).</summary>
    private static int[] Runes(string text)
    {
        var runes = new List<int>(text.Length);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
            {
                return [];
            }

            runes.Add(rune.Value);
            rest = rest[used..];
        }

        return [.. runes];
    }

    private static bool IsCombinable(int rune) =>
        rune is ZeroWidthJoiner or VariationSelector16
        || IsSkinTone(rune)
        || IsTag(rune)
        || IsPictograph(rune);

    private static bool IsRegionalIndicator(int rune) => rune is >= 0x1F1E6 and <= 0x1F1FF;

    private static bool IsSkinTone(int rune) => rune is >= 0x1F3FB and <= 0x1F3FF;

    // Tag characters and the cancel tag, as in the flags of England, Scotland and Wales.
    private static bool IsTag(int rune) => rune is >= 0xE0020 and <= 0xE007F;

    /// <summary>
    /// A code point that is an emoji by itself: anything in the emoji blocks of plane 1, any
    /// other symbol (category So) outside Latin-1, whose symbols (°, ¦) are text, and the few
    /// emoji that Unicode files under another category. The replacement character (So too)
    /// stands for broken text, not a picture.
    /// </summary>
    private static bool IsPictograph(int rune) =>
        rune is >= 0x1F000 and <= 0x1FAFF // 😀 🚀 🧑 🫠, skin tones and regional indicators included
        || rune is 0x00A9 or 0x00AE // © ®
        || rune is 0x203C or 0x2049 or 0x2139 or 0x3030 or 0x303D // ‼ ⁉ ℹ 〰 〽 (punctuation, a letter)
        || rune is (>= 0x2194 and <= 0x2199) or (>= 0x25FB and <= 0x25FE) // ↔ ↕ ↖ ◻ ◼ (math symbols)
        || (rune is > 0xFF and not 0xFFFD && Rune.GetUnicodeCategory(new Rune(rune)) == UnicodeCategory.OtherSymbol);
}
