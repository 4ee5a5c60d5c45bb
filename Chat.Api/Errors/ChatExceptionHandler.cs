using Chat.Contracts;
using Chat.Data;
using Chat.Data.Resilience;
using Chat.Hubs.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api.Errors;

/// <summary>
/// Writes every failure as RFC 7807 problem+json with a contract <c>code</c>: refusals with their
/// own code, unreadable requests as <c>invalid</c>, storage outages as <c>unavailable</c>.
/// </summary>
internal sealed class ChatExceptionHandler(IProblemDetailsService problems, ILogger<ChatExceptionHandler> logger, ChatMetrics metrics) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ChatException chat => FromChat(chat, httpContext),
            BadHttpRequestException when TooLarge(exception) is { } tooLarge =>
                Problem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge, "The request body is too large", tooLarge.Message),
            BadHttpRequestException bad => Problem(bad.StatusCode, ErrorCodes.Invalid, "The request could not be read", Describe(bad)),
            _ when DatabaseFaults.IsUnavailable(exception) => Unavailable(exception),
            _ when RedisFaults.IsFault(exception, httpContext.RequestAborted) => Unavailable(exception),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromChat(ChatException chat, HttpContext httpContext)
    {
        var status = ChatProblems.StatusOf(chat.Code);
        if (chat.RetryAfter is { } retry)
        {
            ChatProblems.SetRetryAfter(httpContext.Response, retry);
        }

        ProblemDetails problem = chat.Errors is { } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
            : new ProblemDetails();
        problem.Status = status;
        problem.Title = chat.Code == ErrorCodes.Invalid ? "One or more validation errors occurred." : chat.Message;
        problem.Detail = chat.Message;
        problem.Extensions["code"] = chat.Code;
        return problem;
    }

    private ProblemDetails Unavailable(Exception exception)
    {
        logger.LogError(exception, "Storage failed");
        metrics.StorageFailed(exception);
        return Problem(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "Storage is unavailable", "Try again shortly.");
    }

    private static ProblemDetails Problem(int status, string code, string title, string? detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return problem;
    }

    // Kestrel's 413 for a body over the limit; form binding wraps it in a 400 of its own.
    private static BadHttpRequestException? TooLarge(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge)
            {
                return tooLarge;
            }
        }

        return null;
    }

    // The framework's messages name the parameter and what was wrong without echoing secrets.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json ? $"Malformed JSON: {json.Message}" : bad.Message;
}
