using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Chat.Data.Resilience;

/// <summary>The named Polly pipelines for PostgreSQL faults that pass.</summary>
public static class ChatDataResilience
{
    /// <summary>Start-up: the database may still be coming up when a node starts (a deploy, a reboot).</summary>
    public const string StartupPipeline = "chat-db-startup";

    /// <summary>Run time: the calls that are safe to repeat (see <see cref="DatabasePipeline"/>).</summary>
    public const string StoragePipeline = "chat-db";

    internal static ResiliencePipeline CreateStartup(ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ChatDataResilience).FullName!);
        return new ResiliencePipelineBuilder { Name = StartupPipeline }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseFaults.IsTransient),
                MaxRetryAttempts = 8,
                Delay = TimeSpan.FromMilliseconds(250),
                BackoffType = DelayBackoffType.Exponential,
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception, "PostgreSQL not reachable yet, retry {Attempt}", args.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();
    }
}
