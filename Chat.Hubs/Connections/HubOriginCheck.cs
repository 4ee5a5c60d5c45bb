using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Hubs.Connections;

/// <summary>
/// Refuses (403) a hub request that a browser page of another site makes: CORS does not cover
/// WebSockets, so without this check any site could open the hub from its visitors' browsers.
/// Pages served by the node itself, the origins listed in <c>Cors:AllowedOrigins</c> and clients
/// that send no <c>Origin</c> (every non-browser client) pass.
/// </summary>
/// <remarks>
/// Both the negotiate and the WebSocket upgrade are checked: a browser sends the page's origin
/// with each. The node's own origin is the request's scheme and host, as the proxy in front
/// reports them (see ForwardedHeaders), so a page served through the proxy passes too.
/// </remarks>
public static class HubOriginCheck
{
    /// <summary>The configuration key of the browser origins allowed besides the node's own, shared with the CORS policy.</summary>
    public const string AllowedOriginsKey = "Cors:AllowedOrigins";

    /// <summary>Refuses hub requests from origins that are not allowed; put it before the hub's endpoint.</summary>
    public static IApplicationBuilder UseHubOriginCheck(this IApplicationBuilder app)
    {
        var listed = app.ApplicationServices.GetRequiredService<IConfiguration>().GetSection(AllowedOriginsKey).Get<string[]>() ?? [];
        var allowed = new HashSet<string>(listed.Select(origin => origin.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(IChatHub.Path),
            hub => hub.Use((context, next) =>
            {
                var origin = context.Request.Headers.Origin.ToString();
                if (origin.Length == 0 || allowed.Contains(origin) || IsSameOrigin(origin, context.Request))
                {
                    return next(context);
                }

                // An empty body: the status code pages answer it as a problem with the code forbidden.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }));
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
}
