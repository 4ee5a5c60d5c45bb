using Chat.Contracts;
using Chat.Data;
using Chat.Data.Resilience;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Errors;

/// <summary>
/// Turns refusals into <c>HubException</c>s with a contract code, so the caller sees why and the
/// connection stays open; a storage outage becomes <c>unavailable</c> instead of a generic error.
/// </summary>
internal sealed class ChatErrorFilter(ILogger<ChatErrorFilter> logger, ChatMetrics metrics, TimeProvider clock) : IHubFilter
{
    // Storage failures come by the thousand during an outage: the first of every few seconds is
    // logged in full, the rest counted in it (and in the metrics).
    private readonly LogSampler storageFailures = new(TimeSpan.FromSeconds(5), clock);

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ChatException e)
        {
            throw new HubException(e.WireMessage);
        }
        catch (Exception e) when ((DatabaseFaults.IsUnavailable(e) || RedisFaults.IsFault(e))
            && !invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            if (storageFailures.TryEnter(out var heldBack))
            {
                logger.LogError(e, "Storage failed during {Method} ({HeldBack} more such failures since the last logged)", invocationContext.HubMethodName, heldBack);
            }

            metrics.StorageFailed(e);
            throw new HubException($"{ErrorCodes.Unavailable}: storage is unavailable, try again shortly");
        }
        catch (Exception e) when (e is not HubException and not OperationCanceledException)
        {
            // Logged here because the dispatcher's own log of hub failures is turned down: it
            // would report every expected refusal above as an error.
            logger.LogError(e, "Hub method {Method} failed", invocationContext.HubMethodName);
            throw;
        }
    }
}
