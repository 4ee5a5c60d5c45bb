using Chat.Hubs.Reactions;

namespace Chat.Tests.Unit;

public sealed class EmojiTests
{
    public static TheoryData<string, string> SingleEmoji => new()
    {
        { "\U0001F44D", "thumbs up" },
        { "\u2764\uFE0F", "red heart with variation selector-16" },
        { "\u2764", "red heart without a selector" },
        { "\U0001F468\u200D\U0001F469\u200D\U0001F467", "family: a ZWJ sequence" },
        { "\U0001F1EB\U0001F1F7", "flag of France: a regional-indicator pair" },
        { "1\uFE0F\u20E3", "keycap 1" },
        { "#\u20E3", "keycap # without a selector" },
        { "\U0001F44D\U0001F3FD", "thumbs up with a medium skin tone" },
        { "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "flag of Scotland: a tag sequence" },
        { "\U0001F9D1\U0001F3FE\u200D\U0001F4BB", "technologist with a skin tone: ZWJ and modifier" },
        { "\u00A9\uFE0F", "copyright sign" },
        { "\u2B50", "star from the miscellaneous symbols and arrows block" },
        { "\u203C\uFE0F", "double exclamation mark, filed as punctuation" },
        { "\U0001F600", "grinning face" },
    };

    public static TheoryData<string, string> NotSingleEmoji => new()
    {
        { "a", "a letter" },
        { "ok", "a word" },
        { "\U0001F44D\U0001F44D", "two emoji" },
        { "", "nothing" },
        { " ", "a space" },
        { "<b>", "markup" },
        { "1", "a bare digit" },
        { "\U0001F1EB", "a lone regional indicator" },
        { "\u200D", "a lone joiner" },
        { "\uFE0F", "a lone variation selector" },
        { "\u00B0", "degree sign: a Latin-1 symbol" },
        { "e\u0301", "a letter with a combining accent" },
        { "\U0001F44D ", "an emoji and a space" },
        { "\uFFFD", "the replacement character" },
        { "\U0001F468" + string.Concat(Enumerable.Repeat("\u200D\U0001F469", 11)), "one grapheme longer than 32 UTF-16 units" },
    };

    [Theory]
    [MemberData(nameof(SingleEmoji))]
    public void A_single_emoji_is_accepted(string text, string what) =>
        Assert.True(Emoji.IsSingleEmoji(text), what);

    [Theory]
    [MemberData(nameof(NotSingleEmoji))]
    public void Anything_but_a_single_emoji_is_refused(string text, string what) =>
        Assert.False(Emoji.IsSingleEmoji(text), what);

    [Fact]
    public void Null_is_refused() => Assert.False(Emoji.IsSingleEmoji(null));

    // Not theory data: xunit would turn a lone surrogate into U+FFFD on its way to the test.
    [Fact]
    public void Broken_utf16_is_refused()
    {
        Assert.False(Emoji.IsSingleEmoji("\uD83D"));
        Assert.False(Emoji.IsSingleEmoji("\uDC4D"));
        Assert.False(Emoji.IsSingleEmoji("\uDC4D\uD83D"));
    }
}
