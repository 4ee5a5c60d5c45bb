using Microsoft.Extensions.DependencyInjection;

namespace Chat.Hubs.Typing;

/// <summary>Registers typing indicators: the store (Redis in a cluster, memory on a single node), the service and its expiry.</summary>
public static class TypingExtensions
{
    public static IServiceCollection AddChatTyping(this IServiceCollection services, bool redisEnabled)
    {
        if (redisEnabled)
        {
            services.AddSingleton<ITypingStore, RedisTypingStore>();
        }
        else
        {
            services.AddSingleton<ITypingStore, MemoryTypingStore>();
        }

        services.AddSingleton<TypingTracker>();
        services.AddSingleton<TypingService>();
        services.AddSingleton<TypingExpiryService>();
        services.AddHostedService(s => s.GetRequiredService<TypingExpiryService>());
        return services;
    }
}
