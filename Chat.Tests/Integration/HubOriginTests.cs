using System.Net;
using System.Net.WebSockets;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// The hub and browser origins: a page of another site is refused at the negotiate and at the
/// WebSocket upgrade; the node's own pages, the listed origins and clients without an Origin pass.
/// </summary>
public sealed class HubOriginTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    // Listed in appsettings.json for the web client's dev server.
    private const string ListedOrigin = "http://localhost:5173";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_page_of_another_site_is_refused_at_the_negotiate_with_forbidden()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");

        using var response = await NegotiateAsync(alice, "https://evil.example");

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Pages_of_the_node_itself_and_of_listed_origins_and_clients_without_an_origin_may_negotiate()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var ownOrigin = Node.Address.GetLeftPart(UriPartial.Authority);

        using var own = await NegotiateAsync(alice, ownOrigin);
        using var listed = await NegotiateAsync(alice, ListedOrigin);
        using var none = await NegotiateAsync(alice, origin: null);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
    }

    [Fact]
    public async Task A_websocket_upgrade_from_another_site_is_refused_and_one_from_the_node_itself_opens()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => OpenSocketAsync(alice, "https://evil.example"));
        using var opened = await OpenSocketAsync(alice, Node.Address.GetLeftPart(UriPartial.Authority));

        Assert.Contains("403", refused.Message);
        Assert.Equal(WebSocketState.Open, opened.State);
    }

    private async Task<HttpResponseMessage> NegotiateAsync(TestUser user, string? origin)
    {
        using var http = Node.Http(user.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{IChatHub.Path.TrimStart('/')}/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    // A raw socket, as a browser opens it: SignalR's clients never send an Origin.
    private async Task<ClientWebSocket> OpenSocketAsync(TestUser user, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        var address = new UriBuilder(new Uri(Node.Address, IChatHub.Path.TrimStart('/')))
        {
            Scheme = "ws",
            Query = $"access_token={Uri.EscapeDataString(user.Token)}",
        }.Uri;
        try
        {
            await socket.ConnectAsync(address, CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
