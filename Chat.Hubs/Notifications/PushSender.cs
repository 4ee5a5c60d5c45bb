using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Chat.Data;
using Chat.Hubs.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>
/// Sends pushes to the browsers' push services (RFC 8030) in the background. Each push service
/// (an origin) has a lane of its own with a few requests in flight, so a service that is slow or
/// hangs holds up only its own pushes, never the sends that caused them nor other services'.
/// 404 and 410 mean the subscription is gone: it is removed. 429, 5xx and failed connections are
/// tried again a little later, a couple of times; then the push is dropped (logged and counted).
/// </summary>
public sealed partial class PushSender : IAsyncDisposable
{
    private const int PruneLanesAbove = 1000;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Lane> lanes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim inFlight;
    private readonly HttpClient http;
    private readonly PushOptions options;
    private readonly VapidKeys vapid;
    private readonly PushSubscriptionRepository subscriptions;
    private readonly PushMetrics metrics;
    private readonly TimeProvider clock;
    private readonly ILogger<PushSender> logger;
    private int queued;
    private int workers;

    public PushSender(
        IOptions<PushOptions> options, VapidKeys vapid, PushSubscriptionRepository subscriptions, PushMetrics metrics, TimeProvider clock, ILogger<PushSender> logger)
    {
        this.options = options.Value;
        this.vapid = vapid;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.clock = clock;
        this.logger = logger;
        inFlight = new SemaphoreSlim(this.options.MaxConcurrentRequests);
        var anyAddress = this.options.AllowInsecureEndpoints;
        http = new HttpClient(new SocketsHttpHandler
        {
            // A push service's answer is a status; a redirect would only lead somewhere the subscription did not name.
            AllowAutoRedirect = false,
            ConnectCallback = (context, token) => PublicAddresses.ConnectAsync(context.DnsEndPoint, anyAddress, token),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = this.options.ConcurrencyPerService,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Queues a push of <paramref name="notification"/> to each of <paramref name="to"/>; returns at once.</summary>
    public void Send(IEnumerable<PushSubscription> to, PushNotification notification)
    {
        var payload = notification.ToJson();
        foreach (var subscription in to)
        {
            if (!Uri.TryCreate(subscription.Endpoint, UriKind.Absolute, out var endpoint))
            {
                continue;
            }

            if (Interlocked.Increment(ref queued) > options.QueueCapacity)
            {
                Interlocked.Decrement(ref queued);
                metrics.Dropped("push");
                LogQueueFull(logger, subscription.UserId);
                continue;
            }

            var origin = endpoint.GetLeftPart(UriPartial.Authority);
            if (lanes.Count > PruneLanesAbove)
            {
                PruneIdleLanes();
            }

            var lane = lanes.GetOrAdd(origin, o => new Lane(o));
            lane.Pushes.Enqueue(new Push(subscription, endpoint, payload, notification.RoomId));
            StartWorker(lane);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        // The workers end at their next await; the node is stopping, so pushes still queued are dropped.
        var deadline = clock.GetTimestamp();
        while (Volatile.Read(ref workers) > 0 && clock.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        http.Dispose();
        stopping.Dispose();
    }

    // Each lane runs up to ConcurrencyPerService workers, started as pushes come and ending when
    // the lane is empty, so an idle node holds no task for any push service.
    private void StartWorker(Lane lane)
    {
        while (true)
        {
            var running = Volatile.Read(ref lane.Workers);
            if (running >= options.ConcurrencyPerService)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref lane.Workers, running + 1, running) == running)
            {
                Interlocked.Increment(ref workers);
                _ = Task.Run(() => DrainAsync(lane));
                return;
            }
        }
    }

    private async Task DrainAsync(Lane lane)
    {
        try
        {
            while (true)
            {
                while (!stopping.IsCancellationRequested && lane.Pushes.TryDequeue(out var push))
                {
                    Interlocked.Decrement(ref queued);
                    await inFlight.WaitAsync(stopping.Token);
                    try
                    {
                        await DeliverAsync(push, lane.Origin);
                    }
                    catch (Exception e) when (!stopping.IsCancellationRequested)
                    {
                        // Removing a gone subscription failed (the database is away): the next push finds it gone again.
                        LogDeliveryFailed(logger, e, lane.Origin, push.Subscription.UserId);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }

                Interlocked.Decrement(ref lane.Workers);
                // A push queued after the last look but before the count went down found the lane
                // full and started no worker: this one takes it back up, if there is room.
                if (stopping.IsCancellationRequested || lane.Pushes.IsEmpty || !TryRejoin(lane))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref workers);
        }
    }

    private bool TryRejoin(Lane lane)
    {
        var running = Volatile.Read(ref lane.Workers);
        return running < options.ConcurrencyPerService && Interlocked.CompareExchange(ref lane.Workers, running + 1, running) == running;
    }

    private async Task DeliverAsync(Push push, string origin)
    {
        var body = PushEncryption.Encrypt(push.Payload, push.Subscription.P256dh, push.Subscription.Auth);
        for (var attempt = 0; ; attempt++)
        {
            var started = clock.GetTimestamp();
            HttpStatusCode? status = null;
            TimeSpan? retryAfter = null;
            Exception? failure = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
            {
                timeout.CancelAfter(options.RequestTimeout);
                try
                {
                    using var request = Request(push, origin, body);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    status = response.StatusCode;
                    retryAfter = RetryAfterOf(response.Headers.RetryAfter);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    // A service that does not answer in time gets no more of this push's time.
                    metrics.Pushed("failed", clock.GetElapsedTime(started));
                    LogTimedOut(logger, origin, push.Subscription.UserId, options.RequestTimeout.TotalSeconds);
                    return;
                }
                catch (HttpRequestException e)
                {
                    failure = e;
                }
            }

            var took = clock.GetElapsedTime(started);
            switch ((int?)status)
            {
                case >= 200 and < 300:
                    metrics.Pushed("delivered", took);
                    return;
                case 404 or 410:
                    metrics.Pushed("gone", took);
                    LogGone(logger, origin, push.Subscription.UserId);
                    await subscriptions.RemoveEndpointAsync(push.Subscription.Endpoint, stopping.Token);
                    return;
                case null or 429 or >= 500 when attempt < options.MaxRetries:
                    var wait = retryAfter ?? TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds * Math.Pow(2, attempt));
                    await Task.Delay(wait, clock, stopping.Token);
                    continue;
                case null or 429 or >= 500:
                    metrics.Pushed("failed", took);
                    LogFailed(logger, failure, origin, push.Subscription.UserId, (int?)status, attempt + 1);
                    return;
                default:
                    // 400, 403, 413: the push itself is wrong (or our key is not the one the
                    // subscription was made with); sending it again would not help.
                    metrics.Pushed("refused", took);
                    LogRefused(logger, origin, push.Subscription.UserId, (int)status);
                    return;
            }
        }
    }

    private HttpRequestMessage Request(Push push, string origin, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, push.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("TTL", options.TimeToLiveSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Every push is for the user in person (a private message, a mention, a reply to them):
        // high, so that a phone saving power shows it now rather than at its next wake-up.
        request.Headers.TryAddWithoutValidation("Urgency", "high");
        // One topic per room: a push the device has not fetched yet is replaced by the room's next.
        request.Headers.TryAddWithoutValidation("Topic", PushKeys.Encode(push.RoomId.ToByteArray()));
        request.Headers.TryAddWithoutValidation("Authorization", vapid.AuthorizationFor(origin));
        return request;
    }

    private TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - clock.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, MaxRetryAfter.Ticks)) : null;
    }

    private void PruneIdleLanes()
    {
        foreach (var (origin, lane) in lanes)
        {
            if (Volatile.Read(ref lane.Workers) == 0 && lane.Pushes.IsEmpty)
            {
                lanes.TryRemove(new KeyValuePair<string, Lane>(origin, lane));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push queue is full: a push to user {UserId} is dropped")]
    private static partial void LogQueueFull(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The push service {Origin} says a subscription of user {UserId} is gone: it is removed")]
    private static partial void LogGone(ILogger logger, string origin, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push service {Origin} did not answer a push to user {UserId} within {Seconds} s: dropped")]
    private static partial void LogTimedOut(ILogger logger, string origin, Guid userId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push service {Origin} failed a push to user {UserId} (status {Status}) after {Attempts} attempts: dropped")]
    private static partial void LogFailed(ILogger logger, Exception? exception, string origin, Guid userId, int? status, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "A push to user {UserId} through {Origin} failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string origin, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push service {Origin} refused a push to user {UserId} with status {Status}")]
    private static partial void LogRefused(ILogger logger, string origin, Guid userId, int status);

    private sealed record Push(PushSubscription Subscription, Uri Endpoint, byte[] Payload, Guid RoomId);

    private sealed class Lane(string origin)
    {
        public string Origin { get; } = origin;
        public ConcurrentQueue<Push> Pushes { get; } = new();
        public int Workers;
    }
}
