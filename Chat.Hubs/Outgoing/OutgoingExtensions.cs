using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Hubs.Outgoing;

/// <summary>Registers the bounded, never-waiting delivery to each connection of a hub.</summary>
public static class OutgoingExtensions
{
    /// <summary>
    /// Puts <see cref="QueuedLifetimeManager{THub}"/> in front of <paramref name="backplane"/>, the
    /// lifetime manager that would serve <typeparamref name="THub"/> otherwise (Redis's, or the
    /// in-process one).
    /// </summary>
    public static IServiceCollection AddQueuedDelivery<THub>(
        this IServiceCollection services, Func<IServiceProvider, HubLifetimeManager<THub>> backplane)
        where THub : Hub
    {
        // Each connection gets a protocol of its own that notes the client's acknowledgements.
        services.Replace(ServiceDescriptor.Singleton<IHubProtocolResolver, AckTrackingProtocolResolver>());
        services.AddSingleton<OutgoingLimits>();
        services.AddSingleton<QueuedConnections>();
        services.AddHostedService<SlowConsumerSweeper>();

        services.AddSingleton<HubLifetimeManager<THub>>(s => new QueuedLifetimeManager<THub>(
            backplane(s),
            s.GetRequiredService<QueuedConnections>(),
            s.GetRequiredService<OutgoingLimits>()));
        return services;
    }
}
