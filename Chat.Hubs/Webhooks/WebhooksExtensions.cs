using Microsoft.Extensions.DependencyInjection;

namespace Chat.Hubs.Webhooks;

/// <summary>Registers webhooks: their options, the REST service, the HTTP sender and the delivery worker.</summary>
internal static class WebhooksExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookService>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
