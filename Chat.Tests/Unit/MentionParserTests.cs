using Chat.Hubs.Mentions;

namespace Chat.Tests.Unit;

/// <summary>Reading <c>@userName</c>s out of a message's text, before anyone looks them up.</summary>
public sealed class MentionParserTests
{
    public static TheoryData<string, string[], string> Mentions => new()
    {
        { "@bob hi", ["bob"], "at the start" },
        { "hi @Bob_Smith-2", ["bob_smith-2"], "in any case, with the userName characters" },
        { "(@bob), @carol; @dave!", ["bob", "carol", "dave"], "between punctuation" },
        { "thanks @bob.", ["bob.|bob"], "before a full stop, which is part of the name only if someone is called so" },
        { "@bob's idea", ["bob"], "before an apostrophe" },
        { "@bob\n@carol\t@dave", ["bob", "carol", "dave"], "after line breaks and tabs" },
        { "@bob @bob", ["bob", "bob"], "twice, as written (resolving keeps one)" },
        { "@al and @abcdefghijklmnopqrstuvwxyz0123456", [], "shorter than 3 or longer than 32" },
    };

    public static TheoryData<string, string> NoMentions => new()
    {
        { "bob@example.com", "an e-mail address" },
        { "@bob@example.com", "an address that starts with @" },
        { "x@bob", "inside a word" },
        { "mail.@bob and a+@bob and a_@bob", "after address characters" },
        { "@bobé", "followed by a letter outside the userName characters" },
        { "@ bob, @@bob", "a lone @, and a doubled one" },
        { "no at sign at all", "no @" },
    };

    [Theory]
    [MemberData(nameof(Mentions))]
    public void Finds_the_names_a_text_mentions(string text, string[] expected, string why)
    {
        var found = MentionParser.Parse(text).Names.Select(meanings => string.Join('|', meanings));

        Assert.True(expected.SequenceEqual(found), $"{why}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", found)}]");
    }

    [Theory]
    [MemberData(nameof(NoMentions))]
    public void Finds_no_name_in(string text, string why)
    {
        var found = MentionParser.Parse(text);

        Assert.True(found.Names.Count == 0 && !found.Room, why);
    }

    [Theory]
    [InlineData("@room standup")]
    [InlineData("hey @Room.")]
    [InlineData("@ROOM!")]
    public void At_room_is_the_room_and_no_user(string text)
    {
        var found = MentionParser.Parse(text);

        Assert.True(found.Room);
        Assert.Empty(found.Names);
    }

    [Fact]
    public void At_a_longer_word_that_starts_with_room_is_a_name()
    {
        var found = MentionParser.Parse("@roomba");

        Assert.False(found.Room);
        Assert.Equal(["roomba"], found.Candidates());
    }
}
