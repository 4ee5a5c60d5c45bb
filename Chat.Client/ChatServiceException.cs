using System.Globalization;
using System.Net;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Client;

/// <summary>
/// A refusal by the chat service, from the hub or from REST alike, with its contract code
/// (<see cref="ErrorCodes"/>) so that callers branch on <see cref="Code"/> instead of on text.
/// </summary>
public sealed class ChatServiceException(string code, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    private const string RetryAfterMarker = " retryAfterMs=";

    /// <summary>The contract code, such as <c>not_found</c> or <c>rate_limited</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The HTTP status of a REST refusal; null for a hub refusal.</summary>
    public HttpStatusCode? Status { get; init; }

    /// <summary>For <c>rate_limited</c> (and other 429s and 503s that say so): when trying again makes sense.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Field errors of an <c>invalid</c> REST request, keyed by camelCase field name.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>
    /// Reads a hub refusal, whose text is "code: message" with an optional " retryAfterMs=N".
    /// A text without a known code (a failure the server did not expect) keeps its words under
    /// <c>unavailable</c>: the caller cannot have done anything about it.
    /// </summary>
    public static ChatServiceException FromHub(HubException exception)
    {
        var text = exception.Message;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var code = colon > 0 ? text[..colon] : "";
        if (!ErrorCodes.All.Contains(code))
        {
            return new ChatServiceException(ErrorCodes.Unavailable, text, exception);
        }

        var message = text[(colon + 1)..].Trim();
        TimeSpan? retryAfter = null;
        var marker = message.LastIndexOf(RetryAfterMarker, StringComparison.Ordinal);
        if (marker >= 0 && long.TryParse(message[(marker + RetryAfterMarker.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            retryAfter = TimeSpan.FromMilliseconds(ms);
            message = message[..marker];
        }

        return new ChatServiceException(code, message, exception) { RetryAfter = retryAfter };
    }
}
