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
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> Properties = new();

    /// <summary>A copy of the connection's groups; null when the backplane keeps none in a form known here.</summary>
    public static IReadOnlyCollection<string>? Of(HubConnectionContext connection)
    {
        foreach (var (type, feature) in connection.Features)
        {
            if (type.Name != FeatureName)
            {
                continue;
            }

            if (Properties.GetOrAdd(type, t => t.GetProperty(GroupsProperty))?.GetValue(feature) is not HashSet<string> groups)
            {
                return null;
            }

            // The backplane changes the set under a lock on the set itself.
            lock (groups)
            {
                return [.. groups];
            }
        }

        return null;
    }
}
