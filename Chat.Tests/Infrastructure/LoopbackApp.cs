using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>A small HTTP server of a test's own (a fake model, MCP or ingestion endpoint) on a free loopback port.</summary>
public static class LoopbackApp
{
    /// <summary>Starts a slim app whose endpoints <paramref name="map"/> adds; answers it and its address (<c>http://127.0.0.1:PORT</c>).</summary>
    public static async Task<(WebApplication App, string Address)> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
