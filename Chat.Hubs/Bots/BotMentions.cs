using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Data;

namespace Chat.Hubs.Bots;

/// <summary>Whether a stored message asks a bot to reply.</summary>
internal static class BotMentions
{
    /// <summary>
    /// Addressed to the bot in private, or (not private to someone else) mentioning it in a room
    /// whose bots reply to mentions, or any message of a room whose bots reply to all.
    /// </summary>
    public static bool Concerns(StoredMessage message, DeclaredBot bot, RoomSettings settings)
    {
        if (settings.BotReplies == BotReplies.Off || message.SenderId == bot.UserId)
        {
            return false;
        }

        if (message.ToUserId is { } addressee)
        {
            return addressee == bot.UserId;
        }

        return settings.BotReplies == BotReplies.All || Mentions(message.Content, bot.UserName);
    }

    /// <summary>True when <paramref name="text"/> holds <c>@userName</c> as a word of its own.</summary>
    public static bool Mentions(string text, string userName) =>
        text.Contains('@') && Regex.IsMatch(
            text, $@"(?<![\w@]){"@" + Regex.Escape(userName)}(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
}
