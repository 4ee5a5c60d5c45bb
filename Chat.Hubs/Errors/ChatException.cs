using Chat.Contracts;

namespace Chat.Hubs.Errors;

/// <summary>
/// A refusal with a code from the wire contract. Both doors translate it: the hub into a
/// <c>HubException</c> "code: message", the REST API into problem+json with <c>code</c>.
/// </summary>
public sealed class ChatException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>For <c>rate_limited</c>: when trying again makes sense.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Field errors for <c>invalid</c>, keyed by camelCase field name.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>The text a hub client sees: the code first, so clients can branch on it.</summary>
    public string WireMessage => RetryAfter is { } retry
        ? $"{Code}: {Message} retryAfterMs={(long)retry.TotalMilliseconds}"
        : $"{Code}: {Message}";

    public static ChatException NotFound(string what) => new(ErrorCodes.NotFound, $"{what} not found");

    public static ChatException Forbidden(string why) => new(ErrorCodes.Forbidden, why);

    public static ChatException Invalid(string why) => new(ErrorCodes.Invalid, why);

    /// <summary>Bad input in one field: <c>invalid</c>, with the reason also under the field's name in <see cref="Errors"/>.</summary>
    public static ChatException Invalid(string field, string why) =>
        new(ErrorCodes.Invalid, why) { Errors = new Dictionary<string, string[]> { [field] = [why] } };

    /// <summary>The caller is banned from the room, whichever door they try.</summary>
    public static ChatException Banned() => new(ErrorCodes.Banned, "you are banned from this room");
}
