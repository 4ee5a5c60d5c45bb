using System.Net.WebSockets;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Connections;

/// <summary>
/// Lets the hub's WebSockets use per-message compression (permessage-deflate, RFC 7692) when the
/// client offers it.
/// </summary>
/// <remarks>
/// SignalR has no switch for this (dotnet/aspnetcore #38230): its transport accepts the socket
/// with a plain <see cref="WebSocketAcceptContext"/>. But the WebSocket middleware that SignalR
/// runs in front of its endpoint keeps an <see cref="IHttpWebSocketFeature"/> that is already
/// there, so a feature set here, which turns compression on in every accept, is the one used.
/// <para>
/// Security: compression over TLS leaks, through the length of the frames, whether
/// attacker-chosen text resembles a secret compressed in the same context (CRIME, BREACH). The
/// access token never crosses the socket (it travels in the handshake's header or query string,
/// which the WebSocket extension does not compress), so the secrets at stake are other users'
/// messages. The server therefore compresses each message on its own (no context takeover): one
/// frame never mixes an attacker's message with the earlier messages of the connection, and no
/// connection keeps a compressor's window in memory between messages.
/// </para>
/// </remarks>
public static class HubWebSocketCompression
{
    /// <summary>Turns compression on for the hub's WebSockets when <see cref="ChatOptions.WebSocketCompression"/> says so.</summary>
    public static IApplicationBuilder UseHubWebSocketCompression(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IOptions<ChatOptions>>().Value.WebSocketCompression)
        {
            return app;
        }

        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(IChatHub.Path),
            hub => hub.UseWebSockets().Use((context, next) =>
            {
                if (context.Features.Get<IHttpWebSocketFeature>() is { } webSockets)
                {
                    context.Features.Set<IHttpWebSocketFeature>(new CompressingWebSocketFeature(webSockets));
                }

                return next(context);
            }));
    }

    private sealed class CompressingWebSocketFeature(IHttpWebSocketFeature inner) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => inner.IsWebSocketRequest;

        // Compression is used only if the client's handshake offers permessage-deflate; otherwise
        // the socket works as before. A copy, never the caller's context: without a subprotocol
        // ASP.NET Core passes one static instance shared by every request in the process.
        public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context) =>
            inner.AcceptAsync(new WebSocketAcceptContext
            {
                SubProtocol = context.SubProtocol,
                KeepAliveInterval = context.KeepAliveInterval,
                KeepAliveTimeout = context.KeepAliveTimeout,
                ServerMaxWindowBits = context.ServerMaxWindowBits,
                DangerousEnableCompression = true,
                DisableServerContextTakeover = true,
            });
    }
}
