using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Chat.Api.Hosting;

/// <summary>Client address, scheme and host as a trusted reverse proxy saw them.</summary>
public static class ForwardedHeadersExtensions
{
    public static IHostApplicationBuilder AddChatForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .ValidateDataAnnotations();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            // Host too: absolute URLs the node builds (the OpenAPI document's server) then name the
            // public address rather than the node's own.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.ForwardLimit = proxy.Value.ForwardLimit;
            // The framework's defaults (127.0.0.0/8 and ::1) stay: listed proxies come on top.
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>Reads the forwarded headers; first in the pipeline, so everything after sees the client's view.</summary>
    public static WebApplication UseChatForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
