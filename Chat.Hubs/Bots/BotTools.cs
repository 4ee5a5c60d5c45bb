using System.Globalization;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Messages;
using Microsoft.Extensions.AI;

namespace Chat.Hubs.Bots;

/// <summary>
/// The functions a bot's model may call. Each answers as the member who asked would see it: the
/// search finds only messages that member may see (never another's private messages), the room's
/// information is that of the room the question was asked in.
/// </summary>
public sealed class BotTools(RoomRepository rooms, MembershipRepository members, MessageSearchService search, TimeProvider clock)
{
    public const string CurrentTime = "current_time";
    public const string RoomInfo = "room_info";
    public const string SearchMessages = "search_messages";

    /// <summary>Every tool's name.</summary>
    public static readonly IReadOnlyList<string> Names = [CurrentTime, RoomInfo, SearchMessages];

    private const int MembersListed = 50;
    private const int MessagesFound = 10;

    /// <summary>The tools <paramref name="bot"/> may call when <paramref name="askerId"/> asked it in <paramref name="roomId"/>.</summary>
    public IList<AITool> For(BotDefinition bot, Guid roomId, Guid askerId)
    {
        var allowed = bot.Tools is { Length: > 0 } named ? named.ToHashSet(StringComparer.OrdinalIgnoreCase) : Names.ToHashSet();
        var tools = new List<AITool>();
        if (allowed.Contains(CurrentTime))
        {
            tools.Add(AIFunctionFactory.Create(
                () => clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                CurrentTime,
                "The current date and time, in UTC."));
        }

        if (allowed.Contains(RoomInfo))
        {
            tools.Add(AIFunctionFactory.Create(
                (CancellationToken cancellationToken) => RoomInfoAsync(roomId, cancellationToken),
                RoomInfo,
                $"This room's name, topic, member count and the display names of up to {MembersListed} members."));
        }

        if (allowed.Contains(SearchMessages))
        {
            tools.Add(AIFunctionFactory.Create(
                (string query, CancellationToken cancellationToken) => SearchAsync(roomId, askerId, query, cancellationToken),
                SearchMessages,
                $"The messages of this room (at most {MessagesFound}) that match the query, best first. " +
                "Web search syntax: words (all must match), \"an exact phrase\", or, -word."));
        }

        return tools;
    }

    private async Task<object> RoomInfoAsync(Guid roomId, CancellationToken cancellationToken)
    {
        var room = await rooms.FindAsync(roomId, cancellationToken);
        if (room is null)
        {
            return new { error = "the room no longer exists" };
        }

        var listed = await members.ListAsync(roomId, afterUserId: null, MembersListed, cancellationToken);
        return new
        {
            name = room.Name,
            topic = room.Topic,
            memberCount = room.MemberCount,
            members = listed.Select(m => m.DisplayName).ToArray(),
        };
    }

    private async Task<object> SearchAsync(Guid roomId, Guid askerId, string query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return Array.Empty<object>();
        }

        try
        {
            // The same search as the member's own, so it finds what the member may see and no more.
            var found = await search.SearchRoomAsync(askerId, roomId, query, MessagesFound, offset: null, cancellationToken);
            return found.Hits.Select(h => new { sender = h.Message.SenderName, sentAt = h.Message.SentAt, content = h.Message.Content }).ToArray();
        }
        catch (ChatException refused)
        {
            // A query the search refuses, or an asker who left the room meanwhile: the model is told why.
            return new { error = refused.Message };
        }
    }
}
