using System.Text;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;

namespace Chat.Hubs.Messages;

/// <summary>
/// Full-text search over the messages a member may see, in one room or in all of theirs; the
/// bots' <c>search_messages</c> tool searches the same way, as the member who asked.
/// </summary>
public sealed class MessageSearchService(MessageSearchRepository search, RoomAccess access)
{
    /// <summary>The longest query, in characters.</summary>
    public const int MaxQueryLength = 256;

    /// <summary>Hits per page unless the caller asks for fewer or more.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The most hits a page holds.</summary>
    public const int MaxLimit = 50;

    /// <summary>
    /// The messages of <paramref name="roomId"/> that match <paramref name="query"/>, best first.
    /// Members only: a private room is <c>not_found</c> to others, a public one <c>forbidden</c>.
    /// </summary>
    public Task<MessageSearchPage> SearchRoomAsync(
        Caller caller, Guid roomId, string? query, int? limit, int? offset, CancellationToken cancellationToken = default) =>
        SearchRoomAsync(caller.UserId, roomId, query, limit, offset, cancellationToken);

    /// <summary>
    /// <see cref="SearchRoomAsync(Caller, Guid, string?, int?, int?, CancellationToken)"/> as the
    /// member <paramref name="userId"/> would: what a bot finds for the member who asked it.
    /// </summary>
    public async Task<MessageSearchPage> SearchRoomAsync(
        Guid userId, Guid roomId, string? query, int? limit, int? offset, CancellationToken cancellationToken = default)
    {
        var (text, size, skip) = Validate(query, limit, offset);
        await RequireMemberAsync(userId, roomId, cancellationToken);
        return await PageAsync(userId, roomId, text, size, skip, cancellationToken);
    }

    /// <summary>The messages of every room the caller is a member of that match <paramref name="query"/>, best first.</summary>
    public async Task<MessageSearchPage> SearchAllAsync(
        Caller caller, string? query, int? limit, int? offset, CancellationToken cancellationToken = default)
    {
        var (text, size, skip) = Validate(query, limit, offset);
        return await PageAsync(caller.UserId, roomId: null, text, size, skip, cancellationToken);
    }

    /// <summary>
    /// Refuses a language that names no text search configuration of the database, with
    /// <c>invalid</c>; answers the configuration's own name (casing folded, as PostgreSQL folds it).
    /// </summary>
    public async Task<string> RequireLanguageAsync(string language, string field, CancellationToken cancellationToken = default)
    {
        var folded = language.ToLowerInvariant();
        return await search.FindLanguageAsync(folded, cancellationToken)
            ?? throw new ChatException(ErrorCodes.Invalid, $"{field} '{language}' is not a known text search configuration")
            {
                Errors = new Dictionary<string, string[]> { [field] = [$"unknown text search configuration '{language}'"] },
            };
    }

    /// <summary>
    /// The passage PostgreSQL marked as HTML: everything the message says is escaped, and the
    /// markers become <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c>.
    /// </summary>
    public static string HighlightHtml(string marked)
    {
        var html = new StringBuilder(marked.Length + 32);
        foreach (var c in marked)
        {
            switch (c)
            {
                case MessageSearchRepository.MatchStart:
                    html.Append("<mark>");
                    break;
                case MessageSearchRepository.MatchEnd:
                    html.Append("</mark>");
                    break;
                case '<' or MessageSearchRepository.LessThan:
                    html.Append("&lt;");
                    break;
                case '>' or MessageSearchRepository.GreaterThan:
                    html.Append("&gt;");
                    break;
                case '&':
                    html.Append("&amp;");
                    break;
                case '"':
                    html.Append("&quot;");
                    break;
                case '\'':
                    html.Append("&#39;");
                    break;
                default:
                    html.Append(c);
                    break;
            }
        }

        return html.ToString();
    }

    private async Task<MessageSearchPage> PageAsync(
        Guid userId, Guid? roomId, string query, int limit, int offset, CancellationToken cancellationToken)
    {
        // One extra row tells whether more remain without counting them.
        var rows = await search.SearchAsync(userId, roomId, query, limit + 1, offset, cancellationToken);
        var hits = rows.Take(limit).Select(row => new MessageSearchHit(row.Message.ToDto(), HighlightHtml(row.Highlight), row.Rank)).ToArray();
        return new MessageSearchPage(hits, HasMore: rows.Count > limit);
    }

    private async Task RequireMemberAsync(Guid userId, Guid roomId, CancellationToken cancellationToken)
    {
        var state = await access.RequireReadableAsync(userId, roomId, cancellationToken);
        if (state.Member is null)
        {
            throw ChatException.Forbidden("only members may search a room's messages");
        }
    }

    private static (string Query, int Limit, int Offset) Validate(string? query, int? limit, int? offset)
    {
        var text = query?.Trim() ?? "";
        if (text.Length is 0 or > MaxQueryLength)
        {
            throw Invalid("q", $"q must be 1-{MaxQueryLength} characters");
        }

        if (!TextRules.IsPlainText(text))
        {
            throw Invalid("q", "q must not contain control characters");
        }

        if (limit is < 1 or > MaxLimit)
        {
            throw Invalid("limit", $"limit must be between 1 and {MaxLimit}");
        }

        if (offset is < 0)
        {
            throw Invalid("offset", "offset must not be negative");
        }

        return (text, limit ?? DefaultLimit, offset ?? 0);
    }

    private static ChatException Invalid(string field, string message) => ChatException.Invalid(field, message);
}
