using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Hubs.Outgoing;

/// <summary>Registers the bounded, never-waiting delivery to each connection of a hub.</summary>
public static class OutgoingExtensions
{
    /// <summary>
    /// Puts <see cref="QueuedLifetimeManager{THub}"/> in front of the lifetime manager SignalR
    /// would use for <typeparamref name="THub"/>: Redis's when <paramref name="redisEnabled"/>,
    /// otherwise the in-process one.
    /// </summary>
    public static IServiceCollection AddQueuedDelivery<THub>(this IServiceCollection services, bool redisEnabled)
        where THub : Hub
    {
        // Each connection gets a protocol of its own that notes the client's acknowledgements.
        services.Replace(ServiceDescriptor.Singleton<IHubProtocolResolver, AckTrackingProtocolResolver>());
        services.AddSingleton<OutgoingLimits>();
        services.AddSingleton<QueuedConnections>();
        services.AddHostedService<SlowConsumerSweeper>();

        // The inner managers as services of their own, so the container builds them as SignalR
        // would (the Redis one with its options) and disposes them at shutdown.
        if (redisEnabled)
        {
            services.AddSingleton<RedisHubLifetimeManager<THub>>();
        }
        else
        {
            services.AddSingleton<DefaultHubLifetimeManager<THub>>();
        }

        services.AddSingleton<HubLifetimeManager<THub>>(s => new QueuedLifetimeManager<THub>(
            redisEnabled
                ? s.GetRequiredService<RedisHubLifetimeManager<THub>>()
                : s.GetRequiredService<DefaultHubLifetimeManager<THub>>(),
            s.GetRequiredService<QueuedConnections>(),
            s.GetRequiredService<OutgoingLimits>()));
        return services;
    }
}
