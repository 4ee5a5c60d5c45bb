using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Connections;

/// <summary>
/// Hands a stopping node's hub clients over to the other nodes: from the moment the node is told
/// to stop (SIGTERM, a rolling deploy) it answers new hub requests with 503.
/// </summary>
/// <remarks>
/// SignalR itself closes every open connection when the application starts stopping, without a
/// close message, so clients take it for a lost connection and reconnect. Kestrel, though, goes
/// on accepting requests until the hosted services have stopped, and a client reconnecting at once
/// would land on this node again and be cut off a second time. The 503 sends it elsewhere: a proxy
/// that retries on 503 (nginx's <c>proxy_next_upstream http_503</c>) passes the request to another
/// node, and a client that sees it retries by its own reconnect policy. Each closed connection
/// still runs <c>OnDisconnectedAsync</c>, so presence and the cluster registry are settled before
/// the node exits.
/// </remarks>
public static class HubDrain
{
    /// <summary>Refuses hub requests once the application is stopping; put it before the hub's own middleware.</summary>
    public static IApplicationBuilder UseHubDrain(this IApplicationBuilder app)
    {
        var lifetime = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubDrain));
        var stopping = lifetime.ApplicationStopping;
        stopping.Register(() => logger.LogInformation("Stopping: closing hub connections and refusing new ones"));

        // The token, not a flag set by a callback: the token reads as cancelled before any stopping
        // callback runs, SignalR's closing of the connections included, so no request slips in between.
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(IChatHub.Path),
            hub => hub.Use((context, next) =>
            {
                if (!stopping.IsCancellationRequested)
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }));
    }
}
