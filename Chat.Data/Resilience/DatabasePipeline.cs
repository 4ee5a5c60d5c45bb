using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Chat.Data.Resilience;

/// <summary>
/// The resilience pipeline for database calls that are safe to run twice: the repositories'
/// reads, the message writer's batches and the few writes whose second run changes nothing. A
/// call that fails for a passing reason (<see cref="DatabaseFaults.IsTransient"/>) is tried again
/// on a fresh connection; a call that finds the server gone first clears the connection pools,
/// so the retry does not take another dead connection; and while the database is out of reach
/// the circuit breaker fails calls at once instead of every node hammering it.
/// </summary>
/// <remarks>
/// The circuit breaker is outermost, so it judges whole calls after their retries: the burst of
/// dead connections after a restart, which the retries heal, counts as successes, and only calls
/// that still fail count towards opening. Inside it the time budget bounds a call with all its
/// tries, so an outage answers <c>unavailable</c> within seconds whatever Npgsql's own connection
/// and command timeouts are (see <see cref="DatabaseResilienceOptions.TimeoutMilliseconds"/>).
/// </remarks>
public sealed class DatabasePipeline
{
    private readonly ResiliencePipeline pipeline;
    private readonly IReadOnlyList<NpgsqlDataSource> pools;
    private readonly ChatMetrics metrics;
    private readonly ILogger<DatabasePipeline> logger;

    /// <summary>A pipeline whose retries clear <paramref name="pools"/> when the server is gone (every pool of the node).</summary>
    public DatabasePipeline(
        IReadOnlyList<NpgsqlDataSource> pools, DatabaseResilienceOptions options, ChatMetrics metrics, ILogger<DatabasePipeline> logger)
    {
        this.pools = pools;
        this.metrics = metrics;
        this.logger = logger;
        var builder = new ResiliencePipelineBuilder
        {
            Name = ChatDataResilience.StoragePipeline,
            // Real time, not the injected clock: these are waits on a real server, and a test's
            // frozen clock must neither hold a retry back nor keep a circuit open.
            TimeProvider = TimeProvider.System,
        }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseFaults.IsOutage),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.SamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
                OnOpened = args =>
                {
                    metrics.DatabaseCircuitOpened();
                    logger.LogError(
                        args.Outcome.Exception,
                        "PostgreSQL is out of reach: database calls fail at once with unavailable for {BreakDuration}",
                        args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogWarning("Trying PostgreSQL again after the circuit's break");
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogWarning("PostgreSQL answers again: the circuit is closed");
                    return default;
                },
            })
            .AddTimeout(TimeSpan.FromMilliseconds(options.TimeoutMilliseconds));
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseFaults.IsTransient),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                BackoffType = DelayBackoffType.Exponential,
                // Spread out, so the calls a restart broke all at once do not come back all at once.
                UseJitter = true,
                OnRetry = args =>
                {
                    Retrying(args.Outcome.Exception!, args.AttemptNumber + 1);
                    return default;
                },
            });
        }

        pipeline = builder.Build();
    }

    /// <summary>
    /// Runs <paramref name="call"/> through the pipeline. The call must be safe to run again after
    /// any failure, a commit whose answer was lost included, and must use the token it is given
    /// (it carries the time budget), opening its own connection on each try.
    /// </summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(call, cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> through the pipeline on a connection from
    /// <paramref name="dataSource"/>, a new one for each try; the same rules as above apply.
    /// </summary>
    public Task<T> ExecuteAsync<T>(
        NpgsqlDataSource dataSource, Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                await using var connection = await state.dataSource.OpenConnectionAsync(token);
                return await state.call(connection, token);
            },
            (dataSource, call),
            cancellationToken).AsTask();

    private void Retrying(Exception exception, int retry)
    {
        var clearing = DatabaseFaults.LostTheServer(exception);
        if (clearing)
        {
            // Idle connections close now, busy ones when they come back; the next try opens a
            // new one. Every pool, since a server that ended one session most likely ended all.
            foreach (var pool in pools)
            {
                pool.Clear();
            }
        }

        metrics.DatabaseRetried();
        logger.LogWarning(exception, "A database call failed; retry {Retry}, pools cleared: {Cleared}", retry, clearing);
    }
}
