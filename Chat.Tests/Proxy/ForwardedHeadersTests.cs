using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;

namespace Chat.Tests.Proxy;

/// <summary>A node behind nginx with TLS sees the client's address, scheme and host, not the proxy's.</summary>
public sealed class ForwardedHeadersTests
{
    // Any 127.x.y.z address is the loopback interface on Linux: connecting from this one makes
    // the client's address differ from the proxy's own (127.0.0.1), which is what the node sees
    // on the wire.
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Behind_nginx_the_node_sees_the_clients_address_and_the_https_address_it_used()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = await ChatNodeProcess.StartAsync(database, TestServers.Redis);
            await using var proxy = await NginxProxy.StartAsync([node.Address], NginxRouting.Sticky, tls: true);

            // Absolute URLs the node builds name what the client used; asked directly, the node's own.
            using (var http = new HttpClient(ClientHandler(proxy)) { BaseAddress = proxy.Address })
            {
                Assert.Equal(proxy.Address.GetLeftPart(UriPartial.Authority), await OpenApiServerAsync(http));
            }

            using (var direct = node.Http())
            {
                Assert.Equal(node.Address.GetLeftPart(UriPartial.Authority), await OpenApiServerAsync(direct));
            }

            var alice = await TestUser.RegisterAsync(node.Address, "alice");
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(proxy.Address, IChatHub.Path.TrimStart('/')), options =>
                {
                    // Server-sent events: every request of the connection goes through this handler.
                    options.Transports = HttpTransportType.ServerSentEvents;
                    options.HttpMessageHandlerFactory = _ => ClientHandler(proxy);
                    options.AccessTokenProvider = () => Task.FromResult<string?>(alice.Token);
                    // A forged address: nginx appends the real one, and the node takes only that.
                    options.Headers["X-Forwarded-For"] = "203.0.113.9";
                })
                // JSON: server-sent events carry text only.
                .WithProtocol(HubProtocol.Json)
                .Build();
            await using var aliceHub = await HubClient.StartAsync(connection);

            var opened = $"Connection {connection.ConnectionId} of user {alice.Id} opened from {ClientAddress} over ServerSentEvents";
            await Poll.UntilAsync(
                () => node.Output.Contains(opened, StringComparison.Ordinal),
                TimeSpan.FromSeconds(10),
                $"the node logs \"{opened}\"{Environment.NewLine}{node.Output}");
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }

    // The first server of the OpenAPI document: the node builds it from the request's scheme and host.
    private static async Task<string?> OpenApiServerAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        return document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()?.TrimEnd('/');
    }

    // Connects from ClientAddress and trusts the proxy's self-signed certificate, nothing else.
    private static SocketsHttpHandler ClientHandler(NginxProxy proxy) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(ClientAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == proxy.Certificate?.GetCertHashString() },
    };
}
