using System.Collections.Concurrent;
using System.Threading.Channels;
using Chat.Data;
using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly.CircuitBreaker;

namespace Chat.Hubs.Webhooks;

/// <summary>
/// Delivers the outbox, on every node: takes due deliveries with a lease (<c>FOR UPDATE SKIP
/// LOCKED</c>, so nodes never take the same one), posts each, records the outcome and schedules
/// the retries. It wakes at once when an event is committed (PostgreSQL <c>LISTEN</c>, notified by
/// the outbox), and polls every <see cref="WebhookOptions.PollMilliseconds"/> for retries that
/// came due and for deliveries whose node died holding them. Nothing on the send path waits for
/// it, and a database outage only pauses it.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookRepository repository,
    WebhookSender sender,
    WebhookSecrets secrets,
    IOptions<WebhookOptions> options,
    IOptions<ChatDataOptions> dataOptions,
    ChatMetrics metrics,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The channel the outbox notifies (migration 19).</summary>
    public const string Channel = "webhook_deliveries";

    private static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(10);
    private const int PurgeBatch = 1_000;

    private readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private readonly ConcurrentDictionary<Guid, Task> inFlight = new();
    private readonly LogSampler faults = new(TimeSpan.FromSeconds(30), clock);

    // Parsed once: the options are validated at start-up and do not change while the node runs.
    private readonly int[] retryDelays = options.Value.RetryDelays();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        var poll = TimeSpan.FromMilliseconds(settings.PollMilliseconds);
        var listening = ListenAsync(stoppingToken);
        var nextPurge = clock.GetUtcNow();
        var backoff = poll;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = settings.MaxConcurrentDeliveries - inFlight.Count;
                var more = false;
                if (free > 0)
                {
                    try
                    {
                        var claimed = await repository.ClaimAsync(free, lease, stoppingToken);
                        foreach (var delivery in claimed)
                        {
                            Start(delivery, stoppingToken);
                        }

                        more = claimed.Count == free;
                        backoff = poll;
                        if (clock.GetUtcNow() >= nextPurge)
                        {
                            await PurgeAsync(stoppingToken);
                            nextPurge = clock.GetUtcNow() + PurgeEvery;
                        }
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        // The database is away (or refused): wait longer each time, up to half a minute.
                        LogFault(e, "Taking due webhook deliveries failed; trying again shortly");
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                        await WaitAsync(backoff, stoppingToken);
                        continue;
                    }
                }

                if (!more)
                {
                    await WaitAsync(poll, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }

        await Task.WhenAll(inFlight.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await listening.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Start(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var run = DeliverAsync(delivery, stoppingToken);
        inFlight[delivery.Id] = run;
        _ = run.ContinueWith(
            (_, state) =>
            {
                var (self, id) = ((WebhookDispatcher, Guid))state!;
                self.inFlight.TryRemove(id, out Task? _);
                // A slot is free: there may be more due.
                self.wake.Writer.TryWrite(true);
            },
            (this, delivery.Id),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>One attempt at one delivery, recorded; never throws.</summary>
    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        // Off the claiming loop at once: the connection and the request run on the pool.
        await Task.Yield();
        try
        {
            WebhookAttempt attempt;
            try
            {
                var data = await repository.EventDataAsync(delivery.Id, WebhookDataKinds.Of(delivery.EventType), stoppingToken);
                if (data is null)
                {
                    // Its endpoint was deleted since the claim: nothing to deliver.
                    return;
                }

                var secret = secrets.Open(delivery.WebhookId, delivery.Secret);
                attempt = await sender.PostAsync(delivery.Url, delivery.Id, WebhookPayloads.Body(delivery, data), secret, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && !IsDatabaseAway(e))
            {
                // A delivery that cannot be made (a secret sealed under another key, data that no
                // longer reads) counts as a failed attempt, so it ends failed instead of coming
                // back with every lease.
                LogUnpreparable(logger, e, delivery.Id);
                attempt = new WebhookAttempt(false, null, $"the delivery could not be prepared: {e.Message}");
            }

            await RecordAsync(delivery, attempt);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-attempt: hand it back, due now, so another node need not wait out the lease.
            await ReleaseAsync(delivery);
        }
        catch (Exception e)
        {
            // The database, before or after the attempt: the lease brings the delivery back.
            LogFault(e, "A webhook delivery could not be read or recorded; it is tried again when its lease ends");
        }
    }

    private static bool IsDatabaseAway(Exception e) =>
        DatabaseFaults.IsOutage(e) || DatabaseFaults.IsTransient(e) || e is BrokenCircuitException;

    private async Task RecordAsync(ClaimedDelivery delivery, WebhookAttempt attempt)
    {
        // Recorded even while the node stops: the attempt was made, its answer must not be lost.
        using var recording = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (attempt.Delivered)
        {
            await repository.RecordDeliveredAsync(delivery.Id, attempt.StatusCode!.Value, recording.Token);
            metrics.WebhookAttempted("delivered");
            return;
        }

        await repository.RecordFailedAsync(
            delivery.Id, attempt.StatusCode, attempt.Error ?? "failed", retryDelays, options.Value.PauseAfterFailedDeliveries, recording.Token);
        if (delivery.Attempts + 1 > retryDelays.Length)
        {
            metrics.WebhookAttempted("failed");
            LogGivenUp(logger, delivery.Id, delivery.WebhookId, delivery.Attempts + 1, attempt.Error);
        }
        else
        {
            metrics.WebhookAttempted("retried");
            LogRetrying(logger, delivery.Id, delivery.WebhookId, delivery.Attempts + 1, attempt.Error);
        }
    }

    private async Task ReleaseAsync(ClaimedDelivery delivery)
    {
        try
        {
            using var releasing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await repository.ReleaseAsync([delivery.Id], releasing.Token);
        }
        catch (Exception e)
        {
            LogFault(e, "A webhook delivery could not be handed back; another node takes it when its lease ends");
        }
    }

    private async Task PurgeAsync(CancellationToken stoppingToken)
    {
        var keep = TimeSpan.FromDays(options.Value.KeepDays);
        while (await repository.PurgeAsync(keep, PurgeBatch, stoppingToken) == PurgeBatch)
        {
        }
    }

    /// <summary>Until something wakes the loop (an event committed, a slot freed) or <paramref name="timeout"/> passes.</summary>
    private async Task WaitAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timer.CancelAfter(timeout);
        try
        {
            await wake.Reader.WaitToReadAsync(timer.Token);
            wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }

    /// <summary>
    /// Holds a connection of its own (outside the pool, which it would otherwise take a slot of for
    /// good) that listens on <see cref="Channel"/>; reconnects after a failure. While it is down
    /// the poll still finds everything, only later.
    /// </summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(dataOptions.Value.ConnectionString)
        {
            Pooling = false,
            // A connection that silently went away is found within a minute, not never.
            KeepAlive = 30,
        }.ConnectionString;
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => wake.Writer.TryWrite(true);
                await connection.ExecuteAsync(new CommandDefinition($"listen {Channel}", cancellationToken: stoppingToken));
                // Whatever was committed while nobody listened.
                wake.Writer.TryWrite(true);
                retry = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFault(e, "Listening for new webhook events failed; polling meanwhile and listening again shortly");
                // Real time, like the database pipeline's waits: a test's frozen clock must not hold it back.
                await Task.Delay(retry, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private void LogFault(Exception e, string message)
    {
        if (faults.TryEnter(out var heldBack))
        {
            LogFailed(logger, e, message, heldBack);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} ({HeldBack} similar failures not logged since the last)")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what, long heldBack);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} to {WebhookId} failed attempt {Attempt}: {Error}; it is retried")]
    private static partial void LogRetrying(ILogger logger, Guid deliveryId, Guid webhookId, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {WebhookId} failed attempt {Attempt}, its last: {Error}")]
    private static partial void LogGivenUp(ILogger logger, Guid deliveryId, Guid webhookId, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} could not be prepared; counted as a failed attempt")]
    private static partial void LogUnpreparable(ILogger logger, Exception exception, Guid deliveryId);
}
