using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Messages;

/// <summary>
/// Full-text message search: in one room (<c>/api/rooms/{id}/messages/search</c>) or in all of the
/// caller's rooms (<c>/api/messages/search</c>). Both spend the Search budget, as room search does.
/// </summary>
public static class MessageSearchEndpoints
{
    private const string Syntax =
        "q is web search syntax, 1-256 characters: words (all must match), \"an exact phrase\", or, -word. " +
        "highlight is HTML-safe: the message's text escaped, its matches in <mark>. limit at most 50 (default 20); hasMore says whether offset+limit finds more.";

    /// <summary>Maps the search of one room onto <c>/api/rooms/{id}/messages</c>.</summary>
    public static RouteGroupBuilder MapRoomMessageSearchEndpoints(this RouteGroupBuilder roomMessages)
    {
        roomMessages.MapGet("/search", async Task<Ok<MessageSearchPage>> (
                Guid id, string? q, int? limit, int? offset, Caller caller, MessageSearchService search, CancellationToken ct) =>
                TypedResults.Ok(await search.SearchRoomAsync(caller, id, q, limit, offset, ct)))
            .WithName("SearchRoomMessages")
            .WithSummary("The room's messages that match q, best first (members)")
            .WithDescription(Syntax)
            .RequireBudget(Budget.Search);

        return roomMessages;
    }

    /// <summary>Maps the search of all the caller's rooms onto <c>/api/messages</c>.</summary>
    public static RouteGroupBuilder MapMessageSearchEndpoints(this RouteGroupBuilder messages)
    {
        messages.MapGet("/search", async Task<Ok<MessageSearchPage>> (
                string? q, int? limit, int? offset, Caller caller, MessageSearchService search, CancellationToken ct) =>
                TypedResults.Ok(await search.SearchAllAsync(caller, q, limit, offset, ct)))
            .WithName("SearchMessages")
            .WithSummary("The messages of every room the caller is a member of that match q, best first")
            .WithDescription(Syntax)
            .RequireBudget(Budget.Search);

        return messages;
    }
}
