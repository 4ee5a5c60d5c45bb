using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>Finding rooms by name or by a member's userName, without revealing others' private rooms.</summary>
public sealed class RoomSearchService(RoomRepository rooms)
{
    /// <summary>The most rooms one search returns.</summary>
    public const int MaxResults = 50;

    private const int MaxQueryLength = 100;

    /// <summary>
    /// Public rooms and the caller's private rooms whose name contains <paramref name="query"/>
    /// (case-insensitive, closest names first) and that have a member called <paramref name="member"/>.
    /// At least one of the two is required.
    /// </summary>
    public async Task<RoomDto[]> SearchAsync(Caller caller, string? query, string? member, CancellationToken cancellationToken = default)
    {
        var name = string.IsNullOrWhiteSpace(query) ? null : query.Trim().ToLowerInvariant();
        var userName = string.IsNullOrWhiteSpace(member) ? null : member.Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (name is null && userName is null)
        {
            errors["q"] = ["give q (at least 1 character) or member"];
        }

        if (name?.Length > MaxQueryLength)
        {
            errors["q"] = [$"q must be at most {MaxQueryLength} characters"];
        }

        if (userName?.Length > MaxQueryLength)
        {
            errors["member"] = [$"member must be at most {MaxQueryLength} characters"];
        }

        if (!TextRules.IsPlainText(name))
        {
            errors["q"] = ["q must not contain control characters"];
        }

        if (!TextRules.IsPlainText(userName))
        {
            errors["member"] = ["member must not contain control characters"];
        }

        if (errors.Count > 0)
        {
            throw new ChatException(ErrorCodes.Invalid, errors.Values.First()[0]) { Errors = errors };
        }

        var found = await rooms.SearchAsync(caller.UserId, name, userName, MaxResults, cancellationToken);
        return [.. found.Select(r => r.ToDto())];
    }
}
