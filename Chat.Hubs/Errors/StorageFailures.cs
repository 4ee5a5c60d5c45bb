using Chat.Data;
using Chat.Data.Resilience;
using StackExchange.Redis;

namespace Chat.Hubs.Errors;

/// <summary>Counts a request that storage failed, by which store it was.</summary>
public static class StorageFailures
{
    /// <summary>
    /// Adds <paramref name="exception"/> to the PostgreSQL or Redis error count: a database call
    /// refused by the open circuit or out of its time budget counts as PostgreSQL's; a bare
    /// time-out is neither.
    /// </summary>
    public static void StorageFailed(this ChatMetrics metrics, Exception exception)
    {
        if (DatabaseFaults.IsUnavailable(exception))
        {
            metrics.DatabaseFailed();
        }
        else if (exception is RedisException)
        {
            metrics.RedisFailed();
        }
    }
}
