namespace Chat.Contracts;

/// <summary>
/// The error codes of the wire contract. Hub errors are <c>HubException</c>s whose message starts
/// with "code: "; REST errors carry the code in the problem details' <c>code</c> member.
/// </summary>
public static class ErrorCodes
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Invalid = "invalid";
    public const string RateLimited = "rate_limited";
    public const string Muted = "muted";
    public const string Banned = "banned";
    public const string TooLarge = "too_large";
    public const string Conflict = "conflict";
    public const string Limit = "limit";
    public const string Gone = "gone";
    public const string Unavailable = "unavailable";

    /// <summary>Every code above, for clients that must tell a contract code from other text.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>
    {
        Unauthorized, Forbidden, NotFound, Invalid, RateLimited, Muted, Banned, TooLarge, Conflict, Limit, Gone, Unavailable,
    };
}
