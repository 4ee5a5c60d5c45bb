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
    /// <remarks>
    /// A mention is one the send found (see Mentions/MentionService): bots are members of their
    /// rooms, so the message's mentions hold the bot when it was named.
    /// </remarks>
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

        return settings.BotReplies == BotReplies.All || (message.Mentions is { } mentioned && Array.IndexOf(mentioned, bot.UserId) >= 0);
    }
}
