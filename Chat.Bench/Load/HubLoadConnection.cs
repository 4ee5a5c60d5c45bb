using System.Net.WebSockets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Bench.Load;

/// <summary>A simulated user's SignalR connection (the chat service and the bare hub), over the WebSocket only.</summary>
public sealed class HubLoadConnection : ILoadConnection
{
    public HubLoadConnection(Uri node, string? token, bool json, LoopbackConnector connector, Action<MessageDto> onMessage)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(node, IChatHub.Path.TrimStart('/')), o =>
            {
                // Straight to the WebSocket, opened through the connector's source addresses.
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.WebSocketFactory = (context, ct) => OpenAsync(context.Uri, token, connector, ct);
            });
        builder = json
            ? builder.AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            : builder.AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        Hub = builder.Build();
        // A loaded server answers pings late; dropping the connection would only muddy the numbers.
        Hub.ServerTimeout = TimeSpan.FromMinutes(2);
        Hub.On(nameof(IChatClient.MessageReceived), onMessage);
    }

    public HubConnection Hub { get; }

    public Task StartAsync(CancellationToken cancellationToken) => Hub.StartAsync(cancellationToken);

    public Task SendMessageAsync(string roomId, string clientMessageId, string content) =>
        Hub.InvokeAsync<MessageAck>(nameof(IChatHub.SendMessage), new SendMessageRequest(roomId, clientMessageId, "text", content));

    public ValueTask DisposeAsync() => Hub.DisposeAsync();

    private static async ValueTask<WebSocket> OpenAsync(Uri uri, string? token, LoopbackConnector connector, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        }

        try
        {
            await socket.ConnectAsync(LoopbackConnector.WebSocketUri(uri), connector.Invoker, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
