using Chat.Data;
using Npgsql;
using StackExchange.Redis;

namespace Chat.Hubs.Errors;

/// <summary>Counts a request that storage failed, by which store it was.</summary>
public static class StorageFailures
{
    /// <summary>Adds <paramref name="exception"/> to the PostgreSQL or Redis error count; a bare time-out is neither.</summary>
    public static void StorageFailed(this ChatMetrics metrics, Exception exception)
    {
        switch (exception)
        {
            case NpgsqlException:
                metrics.DatabaseFailed();
                break;
            case RedisException:
                metrics.RedisFailed();
                break;
        }
    }
}
