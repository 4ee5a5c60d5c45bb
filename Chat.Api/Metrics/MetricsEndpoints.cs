using Chat.Data;
using OpenTelemetry.Metrics;

namespace Chat.Api.Metrics;

/// <summary>The Prometheus scrape endpoint over the service's meters and the framework's.</summary>
public static class MetricsEndpoints
{
    private const string Path = "/metrics";

    // ASP.NET Core and the runtime publish these on their own; they only need listening to.
    private static readonly string[] Meters =
    [
        ChatMetrics.MeterName,
        "Chat.Receipts",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "System.Runtime",
    ];

    public static IHostApplicationBuilder AddChatMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName);
        if (IsEnabled(builder.Configuration))
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());
        }

        return builder;
    }

    /// <summary>
    /// Maps <c>/metrics</c>. Anonymous, because scrapers rarely carry user tokens; it tells counts
    /// and no user data, and operators keep it to their network at the proxy.
    /// </summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        if (IsEnabled(endpoints.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            endpoints.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().ExcludeFromDescription();
        }

        return endpoints;
    }

    private static bool IsEnabled(IConfiguration configuration) =>
        (configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions()).Enabled;
}
