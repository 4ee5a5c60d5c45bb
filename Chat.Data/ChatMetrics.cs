using System.Diagnostics.Metrics;

namespace Chat.Data;

/// <summary>
/// The service's own instruments, on the meter <c>Chat</c>. It lives beside the storage because
/// every layer above records into it, the message writer included. Open connections are not
/// counted here: SignalR's own meter <c>Microsoft.AspNetCore.Http.Connections</c> does that
/// (<c>signalr.server.active_connections</c>).
/// </summary>
public sealed class ChatMetrics
{
    /// <summary>The meter's name, for exporters to listen to.</summary>
    public const string MeterName = "Chat";

    private readonly Counter<long> received;
    private readonly Counter<long> delivered;
    private readonly Histogram<double> ackLatency;
    private readonly Histogram<int> batchSize;
    private readonly Counter<long> databaseErrors;
    private readonly Counter<long> redisErrors;
    private readonly Counter<long> databaseRetries;
    private readonly Counter<long> databaseCircuitOpened;
    private readonly Counter<long> rateLimited;
    private readonly Counter<long> broadcastFailures;
    private readonly Counter<long> cutOff;
    private readonly Counter<long> groupsMended;
    private readonly Counter<long> botReplies;
    private readonly Histogram<double> botFirstToken;
    private readonly Counter<long> botTokens;
    private readonly Counter<long> botToolCalls;
    private readonly Counter<long> botProviderErrors;
    private readonly Counter<long> webhookAttempts;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        received = meter.CreateCounter<long>(
            "chat.messages.received", unit: "{message}", description: "Messages stored from sends (resends of a stored message not counted)");
        delivered = meter.CreateCounter<long>(
            "chat.messages.delivered", unit: "{message}",
            description: "Copies of messages fanned out: per broadcast, the room's online members other than the sender (approximate)");
        ackLatency = meter.CreateHistogram(
            "chat.messages.ack_latency", unit: "ms", description: "From a send's arrival to its ack, stored and broadcast",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 5000] });
        batchSize = meter.CreateHistogram(
            "chat.writer.batch_size", unit: "{message}", description: "Messages stored per transaction by the message writer",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        databaseErrors = meter.CreateCounter<long>(
            "chat.database.errors", unit: "{error}", description: "Hub calls and REST requests that failed because PostgreSQL did");
        databaseRetries = meter.CreateCounter<long>(
            "chat.database.retries", unit: "{retry}", description: "Database calls tried again after a transient fault (a broken connection, a restarted server)");
        databaseCircuitOpened = meter.CreateCounter<long>(
            "chat.database.circuit.opened", unit: "{opening}",
            description: "Times the database circuit opened: database calls then fail at once with unavailable for a while");
        redisErrors = meter.CreateCounter<long>(
            "chat.redis.errors", unit: "{error}", description: "Hub calls and REST requests that failed because Redis did");
        broadcastFailures = meter.CreateCounter<long>(
            "chat.broadcast.failures", unit: "{send}",
            description: "Sends to clients dropped because the backplane was away; members catch up through ResyncRequired");
        rateLimited = meter.CreateCounter<long>(
            "chat.rate_limit.refusals", unit: "{refusal}", description: "Calls refused with rate_limited, by budget (messages, slow_mode, reactions, sign_in_account, …)");
        cutOff = meter.CreateCounter<long>(
            "chat.connections.cut_off", unit: "{connection}",
            description: "Hub connections closed because they did not take their data, by reason (outgoing_bytes, write_wait, …)");
        botReplies = meter.CreateCounter<long>(
            "chat.bots.replies", unit: "{reply}", description: "Bot replies by how they ended: complete, cancelled, error, refused (over a budget or cap)");
        botFirstToken = meter.CreateHistogram(
            "chat.bots.first_token", unit: "ms", description: "From a bot reply's start to the model's first text or tool call",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000] });
        botTokens = meter.CreateCounter<long>(
            "chat.bots.tokens", unit: "{token}", description: "Tokens the model providers reported, by direction (input, output)");
        botToolCalls = meter.CreateCounter<long>("chat.bots.tool_calls", unit: "{call}", description: "Tools the bots' models called");
        botProviderErrors = meter.CreateCounter<long>(
            "chat.bots.provider_errors", unit: "{error}", description: "Bot replies a model provider failed (after its retries)");
        webhookAttempts = meter.CreateCounter<long>(
            "chat.webhooks.attempts", unit: "{attempt}",
            description: "Webhook delivery attempts by outcome: delivered, retried (failed, tried again later), failed (failed for the last time)");
        groupsMended = meter.CreateCounter<long>(
            "chat.groups.mended", unit: "{change}",
            description: "Room groups of connections that disagreed with the memberships in the database and were put right, by change (added, removed)");
    }

    public void MessageReceived() => received.Add(1);

    public void MessagesDelivered(int recipients)
    {
        if (recipients > 0)
        {
            delivered.Add(recipients);
        }
    }

    public void AckSent(TimeSpan latency) => ackLatency.Record(latency.TotalMilliseconds);

    public void BatchWritten(int messages) => batchSize.Record(messages);

    public void DatabaseFailed() => databaseErrors.Add(1);

    public void RedisFailed() => redisErrors.Add(1);

    public void BroadcastFailed() => broadcastFailures.Add(1);

    public void DatabaseRetried() => databaseRetries.Add(1);

    public void DatabaseCircuitOpened() => databaseCircuitOpened.Add(1);

    /// <summary>A call refused by <paramref name="limit"/>: a budget's name (messages, reactions, …) or <c>slow_mode</c>.</summary>
    public void RateLimited(string limit) => rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));

    /// <summary>A bot reply ended with <paramref name="outcome"/> (complete, cancelled, error, refused).</summary>
    public void BotReplyEnded(string outcome) => botReplies.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void BotFirstToken(TimeSpan latency) => botFirstToken.Record(latency.TotalMilliseconds);

    public void BotTokens(long input, long output)
    {
        botTokens.Add(input, new KeyValuePair<string, object?>("direction", "input"));
        botTokens.Add(output, new KeyValuePair<string, object?>("direction", "output"));
    }

    public void BotToolCalled() => botToolCalls.Add(1);

    public void BotProviderFailed() => botProviderErrors.Add(1);

    /// <summary>A webhook delivery attempt ended with <paramref name="outcome"/> (delivered, retried, failed).</summary>
    public void WebhookAttempted(string outcome) => webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A connection of this node was put into (<paramref name="change"/> "added") or taken out of ("removed") a room's group by reconciliation.</summary>
    public void GroupMended(string change) => groupsMended.Add(1, new KeyValuePair<string, object?>("change", change));

    /// <summary>A hub connection closed for not taking its data, for <paramref name="reason"/>.</summary>
    public void ConnectionCutOff(string reason) => cutOff.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
