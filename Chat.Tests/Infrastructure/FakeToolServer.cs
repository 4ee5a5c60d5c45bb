using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// An MCP server over real HTTP (Streamable HTTP, the SDK's own server) with one tool,
/// <c>order_status</c>, that answers for any order but <c>boom</c>, which fails.
/// </summary>
public sealed class FakeToolServer : IAsyncDisposable
{
    public const string ToolName = "order_status";

    private readonly WebApplication app;

    private FakeToolServer(WebApplication app, Uri url) => (this.app, Url) = (app, url);

    public Uri Url { get; }

    public static async Task<FakeToolServer> StartAsync()
    {
        var (app, address) = await LoopbackApp.StartAsync(
            app => app.MapMcp("/mcp"),
            services => services.AddMcpServer().WithHttpTransport().WithTools<OrderTools>());
        return new FakeToolServer(app, new Uri($"{address}/mcp"));
    }

    /// <summary>An address on this machine where nothing listens.</summary>
    public static Uri Nowhere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/mcp");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [McpServerToolType]
    public sealed class OrderTools
    {
        [McpServerTool(Name = ToolName), Description("Where an order is.")]
        public static string OrderStatus([Description("The order's number.")] string orderId) =>
            orderId == "boom" ? throw new InvalidOperationException("the order system is down") : $"order {orderId} shipped";
    }
}
