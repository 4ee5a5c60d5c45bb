using Azure.Monitor.OpenTelemetry.Exporter;
using Chat.Data;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Chat.Api.Metrics;

/// <summary>The Prometheus scrape endpoint over the service's meters and the framework's.</summary>
public static class MetricsEndpoints
{
    private const string Path = "/metrics";

    // Made by this host's meter factory. ASP.NET Core publishes its own; they only need listening to.
    private static readonly string[] HostMeters =
    [
        ChatMetrics.MeterName,
        "Chat.Receipts",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
    ];

    /// <summary>Set on App Service by the template; the service's metrics then go to Application Insights too.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    // The runtime's meter belongs to the process, not to a host.
    private const string RuntimeMeter = "System.Runtime";

    public static IHostApplicationBuilder AddChatMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName);
        if (IsEnabled(builder.Configuration))
        {
            // Enabled through the host's metrics rules rather than MeterProviderBuilder.AddMeter, which
            // listens to every meter of that name in the process: two hosts in one process (the
            // tests' nodes, or an app hosting the chat twice) would report each other's traffic.
            var appInsights = builder.Configuration[ApplicationInsightsSetting];
            builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
            {
                metrics.AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(appInsights))
                {
                    // Azure Monitor gets the same counters (a minute at a time), so alert rules
                    // can watch cut-off connections, storage failures and ack latency.
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
                }
            });
            foreach (var meter in HostMeters)
            {
                builder.Metrics.EnableMetrics(meter, scopes: MeterScope.Local);
            }

            builder.Metrics.EnableMetrics(RuntimeMeter, scopes: MeterScope.Global);
        }

        return builder;
    }

    /// <summary>
    /// Answers <c>/metrics</c> with 404 to any address outside <see cref="MetricsOptions.AllowedNetworks"/>.
    /// After the forwarded headers, so behind a proxy the client's own address is the one checked.
    /// </summary>
    public static WebApplication UseMetricsAccess(this WebApplication app)
    {
        var options = app.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        var allowed = (options.AllowedNetworks is { Length: > 0 } listed ? listed : MetricsOptions.Loopback).Select(System.Net.IPNetwork.Parse).ToArray();
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path)
                && context.Connection.RemoteIpAddress is var address
                && (address is null || !allowed.Any(network => network.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Maps <c>/metrics</c>. Anonymous, because scrapers rarely carry user tokens; it tells counts
    /// and no user data, and only the allowed networks reach it (<see cref="UseMetricsAccess"/>).
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
