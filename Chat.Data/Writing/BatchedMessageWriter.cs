using System.Threading.Channels;
using Chat.Data.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Group commit: sends from every connection queue here, and one loop stores them a batch per
/// transaction (see <see cref="MessageBatch"/>). Each sender's task completes after the commit
/// that holds its message, so an ack still means "stored".
/// </summary>
internal sealed class BatchedMessageWriter : IHostedService, IMessageWriter
{
    // Never disposed: it has no timer to free, and a host may ask to stop after disposing services.
    private readonly CancellationTokenSource stopping = new();
    private readonly Channel<PendingMessage> queue;
    private readonly NpgsqlDataSource dataSource;
    private readonly DatabasePipeline pipeline;
    private readonly ChatMetrics metrics;
    private readonly ILogger<BatchedMessageWriter> logger;
    private readonly int maxBatchSize;
    private readonly TimeSpan maxDelay;
    private readonly int writers;
    private Task? running;

    /// <summary>The key of the writer's own data source (see ChatDataExtensions).</summary>
    public const string DataSourceKey = "message-writer";

    // During an outage every batch fails: the first failure of every few seconds is logged in full.
    private readonly LogSampler batchFailures = new(TimeSpan.FromSeconds(5), TimeProvider.System);

    public BatchedMessageWriter(
        [FromKeyedServices(DataSourceKey)] NpgsqlDataSource dataSource,
        DatabasePipeline pipeline,
        IOptions<MessageWriterOptions> options,
        ChatMetrics metrics,
        ILogger<BatchedMessageWriter> logger)
    {
        this.dataSource = dataSource;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.logger = logger;
        maxBatchSize = options.Value.MaxBatchSize;
        maxDelay = TimeSpan.FromMilliseconds(options.Value.MaxDelayMilliseconds);
        writers = options.Value.Writers;
        // Bounded: when the database falls behind, senders wait to enqueue instead of the queue
        // growing without end, which slows each connection down to what can be stored.
        queue = Channel.CreateBounded<PendingMessage>(new BoundedChannelOptions(maxBatchSize * 16)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public async Task<AppendResult?> AppendAsync(
        NewMessage message, ISendPermission? permission = null, Action? queued = null, CancellationToken cancellationToken = default)
    {
        var pending = new PendingMessage(new BatchItem(message, permission));
        try
        {
            await queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new MessageWriterStoppedException();
        }

        // The queue's order is the order of storing: batches are cut from it in turn, and a batch
        // waits for the batches before it that share a room (see RunAsync).
        queued?.Invoke();

        // Not cancellable once queued: the message will be stored either way, and the caller must
        // learn its seq to broadcast it; the wait is one batch's transaction at most.
        return await pending.Completion.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not BackgroundService: since .NET 10 it starts its loop with Task.Run(..., stoppingToken),
        // and a stop that comes before the thread pool gets to it skips the loop altogether, with
        // the drain below that outcomes every queued sender. This loop always runs.
        running = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking sends and waits until the queued ones are stored (or the host gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        // Never started: the loop runs now, straight to the drain, so nothing queued is left unanswered.
        running ??= RunAsync(stopping.Token);
        await running.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var writing = new List<BatchWrite>(writers);
        var batch = NewBatch();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await CollectAsync(batch, stoppingToken);
                if (batch.Count < maxBatchSize)
                {
                    // Only full batches overlap. A partial one waits for the writes in flight and
                    // takes what queued meanwhile: under light load there is one transaction at a
                    // time and the batches grow, which costs the database least per message.
                    await Task.WhenAll(writing.Select(write => write.Stored));
                    TakeQueued(batch);
                }
                else if (writing.Count == writers)
                {
                    await Task.WhenAny(writing.Select(write => write.Stored));
                }

                writing.RemoveAll(write => write.Stored.IsCompleted);
                var rooms = BatchWrite.RoomsOf(batch);
                writing.Add(new BatchWrite(WriteAsync(batch, BatchWrite.OverlappingPredecessors(writing, rooms)), rooms));
                batch = NewBatch();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is still stored below.
        }

        await Task.WhenAll(writing.Select(write => write.Stored));

        // New sends are refused from here on; the ones already queued were promised a write.
        queue.Writer.TryComplete();
        while (queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
            if (batch.Count == maxBatchSize)
            {
                await WriteAsync(batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch);
        }
    }

    // Sized for what is queued now rather than for a full batch: at a few thousand sends a second
    // batches hold a dozen messages, and a full batch's array for each was the writer's largest
    // allocation. A batch that grows while it collects reallocates once or twice.
    // (Not Math.Clamp: the configured batch size may be below 16.)
    private List<PendingMessage> NewBatch() => new(Math.Min(Math.Max(queue.Reader.Count, 16), maxBatchSize));

    /// <summary>Fills <paramref name="batch"/> with what is queued, waiting up to the delay for more.</summary>
    private async Task CollectAsync(List<PendingMessage> batch, CancellationToken stoppingToken)
    {
        TakeQueued(batch);
        if (batch.Count >= maxBatchSize || maxDelay == TimeSpan.Zero)
        {
            return;
        }

        // Real time, not the injected clock: this is a throughput knob, and a test's frozen clock
        // must not hold messages back.
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(maxDelay);
        try
        {
            while (batch.Count < maxBatchSize && await queue.Reader.WaitToReadAsync(window.Token))
            {
                TakeQueued(batch);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The window closed: write what came.
        }
    }

    private void TakeQueued(List<PendingMessage> batch)
    {
        while (batch.Count < maxBatchSize && queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    /// <summary>Stores a batch, after the writes it must follow, and outcomes its senders; never throws.</summary>
    private async Task WriteAsync(List<PendingMessage> batch, Task? after = null)
    {
        metrics.BatchWritten(batch.Count);
        try
        {
            // Before a connection is taken: a batch holding one while it waited could leave the
            // batch it waits for none, in a pool no larger than the batches in flight.
            if (after is not null)
            {
                await after;
            }

            var outcomes = await StoreAsync([.. batch.Select(p => p.Item)]);
            AckDispatcher.Dispatch(batch, outcomes);
        }
        catch (PostgresException e) when (batch.Count > 1 && IsAboutTheData(e))
        {
            // One message's row was refused (a file deleted a moment ago, text PostgreSQL will not
            // store): the transaction is gone, so each message is stored on its own and only the
            // one at fault fails.
            logger.LogWarning(e, "A batch of {Count} messages was refused; storing them one by one", batch.Count);
            await WriteOneByOneAsync(batch);
        }
        catch (Exception e)
        {
            if (batchFailures.TryEnter(out var heldBack))
            {
                logger.LogError(e, "Storing a batch of {Count} messages failed ({HeldBack} more failed batches since the last logged)", batch.Count, heldBack);
            }

            AckDispatcher.Dispatch(batch, [.. batch.Select(_ => new BatchOutcome(null, e))]);
        }
    }

    private async Task WriteOneByOneAsync(List<PendingMessage> batch)
    {
        foreach (var pending in batch)
        {
            try
            {
                AckDispatcher.Dispatch([pending], await StoreAsync([pending.Item]));
            }
            catch (Exception e)
            {
                AckDispatcher.Dispatch([pending], [new BatchOutcome(null, e)]);
            }
        }
    }

    /// <summary>
    /// Stores one batch in one transaction, tried again on a fresh connection after a transient
    /// fault: safe, because a batch stored again answers what an earlier try committed with the
    /// rows it stored (see <see cref="MessageBatch.WriteAsync"/>).
    /// </summary>
    private ValueTask<BatchOutcome[]> StoreAsync(IReadOnlyList<BatchItem> items)
    {
        var tries = 0;
        // Not cancelled by a stop: a batch cut short would fail senders who are still connected.
        // The pipeline's token bounds the batch's time instead.
        return pipeline.ExecuteAsync(
            async token =>
            {
                var retried = tries++ > 0;
                await using var connection = await dataSource.OpenConnectionAsync(token);
                return await MessageBatch.WriteAsync(connection, items, retried, token);
            },
            CancellationToken.None);
    }

    // Class 22 (data exception) and 23 (integrity constraint violation): the rows, not the server.
    private static bool IsAboutTheData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || e.SqlState.StartsWith("23", StringComparison.Ordinal);
}
