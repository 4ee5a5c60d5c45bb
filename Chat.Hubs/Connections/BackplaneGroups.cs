using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Connections;

/// <summary>
/// The groups a connection of this node is in, as the Redis backplane has them. SignalR offers no
/// way to list them, yet it is exactly this state that a lost group change leaves wrong, so
/// <see cref="GroupReconciler"/> reads it from the per-connection feature in which
/// <c>RedisHubLifetimeManager</c> keeps it (an internal type, hence reflection). The package's
/// version is pinned; should the feature ever change shape, the answer is null, the reconciler
/// says so in the log, and <c>GroupReconcilerTests</c> fail.
/// </summary>
internal static class BackplaneGroups
{
    private const string FeatureName = "IRedisFeature";
    private const string GroupsProperty = "Groups";
    private const string GroupLockProperty = "GroupLock";

    private static readonly ConcurrentDictionary<Type, (PropertyInfo? Groups, PropertyInfo? GroupLock)> Properties = new();

    /// <summary>A copy of the connection's groups; null when the backplane keeps none in a form known here.</summary>
    public static IReadOnlyCollection<string>? Of(HubConnectionContext connection)
    {
        foreach (var (type, feature) in connection.Features)
        {
            if (type.Name != FeatureName)
            {
                continue;
            }

            var (groupsProperty, lockProperty) = Properties.GetOrAdd(type, t => (t.GetProperty(GroupsProperty), t.GetProperty(GroupLockProperty)));
            if (groupsProperty?.GetValue(feature) is not HashSet<string> groups)
            {
                return null;
            }

            // The backplane changes the set under a lock on the set itself; later versions of the
            // package under a semaphore of the feature instead.
            if (lockProperty?.GetValue(feature) is SemaphoreSlim semaphore)
            {
                semaphore.Wait();
                try
                {
                    return [.. groups];
                }
                finally
                {
                    semaphore.Release();
                }
            }

            lock (groups)
            {
                return [.. groups];
            }
        }

        return null;
    }
}
