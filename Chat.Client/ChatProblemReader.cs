using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Contracts;

namespace Chat.Client;

/// <summary>Turns a refused REST request (RFC 7807 problem+json with a <c>code</c>) into a <see cref="ChatServiceException"/>.</summary>
internal static class ChatProblemReader
{
    public static async Task<ChatServiceException> ReadAsync(HttpResponseMessage response, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        string? code = null;
        string? text = null;
        Dictionary<string, string[]>? errors = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<Problem>(json, cancellationToken);
                code = problem?.Code;
                text = problem?.Detail ?? problem?.Title;
                errors = problem?.Errors;
            }
            catch (JsonException)
            {
                // A proxy's error page dressed as JSON: the status still tells what happened.
            }
        }

        return new ChatServiceException(code ?? CodeOf(response.StatusCode), text ?? $"{(int)response.StatusCode} {response.ReasonPhrase}")
        {
            Status = response.StatusCode,
            RetryAfter = RetryAfterOf(response),
            Errors = errors,
        };
    }

    // For answers no chat service wrote, such as a gateway's 502 in front of it.
    private static string CodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => ErrorCodes.Unauthorized,
        HttpStatusCode.Forbidden => ErrorCodes.Forbidden,
        HttpStatusCode.NotFound => ErrorCodes.NotFound,
        HttpStatusCode.Conflict => ErrorCodes.Conflict,
        HttpStatusCode.Gone => ErrorCodes.Gone,
        HttpStatusCode.RequestEntityTooLarge => ErrorCodes.TooLarge,
        HttpStatusCode.TooManyRequests => ErrorCodes.RateLimited,
        >= HttpStatusCode.InternalServerError => ErrorCodes.Unavailable,
        _ => ErrorCodes.Invalid,
    };

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private sealed record Problem(string? Code, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
