using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using AiChatClient = Microsoft.Extensions.AI.IChatClient;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;

namespace Chat.Hubs.Bots;

/// <summary>
/// A model provider behind a time limit, retries and a circuit breaker, up to its first streamed
/// update only: once members have seen part of a reply, asking again would repeat it, so a failure
/// after that ends the reply with an error and keeps its text. Retried: 429 and 5xx answers,
/// failed connections and a first update slower than its limit. After repeated failures the
/// circuit opens and replies fail at once for a while instead of waiting on a provider that is down.
/// </summary>
internal sealed class ResilientChatClient(AiChatClient inner, ResiliencePipeline firstUpdate) : DelegatingChatClient(inner)
{
    /// <summary>The pipeline for one bot: its own circuit, so one provider's outage does not stop another bot.</summary>
    public static ResiliencePipeline FirstUpdatePipeline(TimeSpan firstUpdateTimeout, TimeProvider clock) =>
        new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                FailureRatio = 1.0,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(30),
            })
            .AddTimeout(firstUpdateTimeout)
            .Build();

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, AiChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, AiChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var (stream, first) = await firstUpdate.ExecuteAsync(
            async attempt => await FirstAsync(history, options, attempt, cancellationToken), cancellationToken);
        await using (stream)
        {
            if (first is null)
            {
                yield break;
            }

            yield return first;
            while (await stream.MoveNextAsync())
            {
                yield return stream.Current;
            }
        }
    }

    /// <summary>
    /// Opens the stream and waits for its first update. The stream reads with the reply's own
    /// token; the attempt's (cancelled by the time limit) only counts until the first update.
    /// </summary>
    private async ValueTask<(IAsyncEnumerator<ChatResponseUpdate> Stream, ChatResponseUpdate? First)> FirstAsync(
        IList<ChatMessage> history, AiChatOptions? options, CancellationToken attempt, CancellationToken reply)
    {
        var reading = CancellationTokenSource.CreateLinkedTokenSource(reply);
        var stream = new OwningEnumerator(base.GetStreamingResponseAsync(history, options, reading.Token).GetAsyncEnumerator(reading.Token), reading);
        try
        {
            using (attempt.Register(() => reading.Cancel()))
            {
                return await stream.MoveNextAsync() ? (stream, stream.Current) : (stream, null);
            }
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !reply.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            // The attempt's time was up: a timeout for Polly to count, not a cancellation of the reply.
            throw new TimeoutRejectedException("the model sent nothing within its time");
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        ClientResultException { Status: 429 or >= 500 } => true,
        ClientResultException { Status: 0 } => true,
        HttpRequestException or TimeoutRejectedException => true,
        _ => false,
    };

    /// <summary>An enumerator that disposes the token source it reads with.</summary>
    private sealed class OwningEnumerator(IAsyncEnumerator<ChatResponseUpdate> inner, CancellationTokenSource reading) : IAsyncEnumerator<ChatResponseUpdate>
    {
        public ChatResponseUpdate Current => inner.Current;

        public ValueTask<bool> MoveNextAsync() => inner.MoveNextAsync();

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            reading.Dispose();
        }
    }
}
