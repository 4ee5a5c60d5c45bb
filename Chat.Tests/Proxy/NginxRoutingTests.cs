using System.Net;
using Chat.Contracts;
using Chat.Hubs.Connections;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Proxy;

/// <summary>Two nodes on one Redis behind real nginx configured from deploy/nginx/chat.conf.</summary>
public sealed class NginxRoutingTests(ChatClusterFixture cluster) : IClassFixture<ChatClusterFixture>
{
    private IReadOnlyList<Uri> Nodes => [cluster.NodeA.Address, cluster.NodeB.Address];

    [Fact]
    public async Task Clients_negotiating_through_sticky_nginx_stay_on_their_node_and_chat_across_nodes()
    {
        await using var proxy = await NginxProxy.StartAsync(Nodes, NginxRouting.Sticky);
        var (alice, bob, room) = await TestRooms.OfTwoAsync(cluster.NodeA);
        var toNodeA = await proxy.RouteKeyForAsync(cluster.NodeA.Address);
        var toNodeB = await proxy.RouteKeyForAsync(cluster.NodeB.Address);

        // Negotiate first, then the WebSocket: two requests that must reach the same node.
        var aliceHub = await ConnectAsync(proxy, alice, routeKey: toNodeA);
        var bobHub = await ConnectAsync(proxy, bob, routeKey: toNodeB);
        Assert.Equal(1, ConnectionsOn(cluster.NodeA, alice));
        Assert.Equal(1, ConnectionsOn(cluster.NodeB, bob));
        var fromAlice = await aliceHub.SendTextAsync(room.Id, "hello through nginx");
        Assert.Equal(fromAlice.MessageId, (await bobHub.NextMessageAsync(MessageType.Text)).Id);
        var fromBob = await bobHub.SendTextAsync(room.Id, "hello back");
        Assert.Equal(fromBob.MessageId, (await aliceHub.NextMessageAsync(MessageType.Text)).Id);
        await aliceHub.DisposeAsync();
        await bobHub.DisposeAsync();

        // The probe, the negotiate and the WebSocket (101) of each client, all on its node.
        var aliceRequests = await proxy.RoutedAsync(toNodeA, 3);
        Assert.Equal(["200", "200", "101"], aliceRequests.Select(r => r.Status));
        Assert.All(aliceRequests, r => Assert.Equal(cluster.NodeA.Address.Authority, r.Upstream));
        Assert.All(await proxy.RoutedAsync(toNodeB, 3), r => Assert.Equal(cluster.NodeB.Address.Authority, r.Upstream));
    }

    [Fact]
    public async Task The_samples_access_log_records_hub_requests_without_the_access_token_in_their_query()
    {
        await using var proxy = await NginxProxy.StartAsync(Nodes, NginxRouting.Sticky);
        var alice = await TestUser.RegisterAsync(cluster.NodeA, "alice");
        using var http = new HttpClient { BaseAddress = proxy.Address };

        // How a browser negotiates: the token in the query string.
        using var negotiated = await http.PostAsync($"hubs/chat/negotiate?negotiateVersion=1&access_token={alice.Token}", null);

        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        await Poll.UntilAsync(() => Task.FromResult(proxy.SampleAccessLog.Contains("/hubs/chat/negotiate", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "nginx logs the request");
        Assert.DoesNotContain(alice.Token, proxy.SampleAccessLog, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", proxy.SampleAccessLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_a_routing_cookie_gets_one_and_its_requests_follow_it_to_one_node()
    {
        await using var proxy = await NginxProxy.StartAsync(Nodes, NginxRouting.Sticky);
        var (alice, _, room) = await TestRooms.OfTwoAsync(cluster.NodeA);
        var cookies = new CookieContainer();

        var aliceHub = await ConnectAsync(proxy, alice, cookies: cookies);
        await aliceHub.JoinRoomAsync(room.Id);
        var sent = await aliceHub.SendTextAsync(room.Id, "still here");
        // Bob's join is seq 1; alice made the room, so her JoinRoom stores no join message.
        Assert.Equal(2, sent.Seq);
        Assert.Equal(1, ConnectionsOn(cluster.NodeA, alice) + ConnectionsOn(cluster.NodeB, alice));
        await aliceHub.DisposeAsync();

        var cookie = Assert.Single(cookies.GetCookies(proxy.Address), c => c.Name == "chat_node");
        Assert.True(cookie.HttpOnly);
        // The negotiate that handed out the cookie, and the WebSocket that carried it, on one node.
        var routed = await proxy.RoutedAsync(cookie.Value, 2);
        Assert.Equal(["200", "101"], routed.Select(r => r.Status));
        Assert.Single(routed.Select(r => r.Upstream).Distinct());
    }

    [Fact]
    public async Task WebSocket_only_clients_that_skip_negotiation_need_no_stickiness_behind_round_robin()
    {
        await using var proxy = await NginxProxy.StartAsync(Nodes, NginxRouting.RoundRobin);
        var (alice, bob, room) = await TestRooms.OfTwoAsync(cluster.NodeA);

        await using var aliceHub = await HubClient.ConnectWebSocketAsync(proxy.Address, alice, HubProtocol.MessagePack, _ => { });
        await using var bobHub = await HubClient.ConnectWebSocketAsync(proxy.Address, bob, HubProtocol.Json, _ => { });

        // Round robin with nothing else going through the proxy: one client on each node.
        Assert.Equal(1, ConnectionsOn(cluster.NodeA, alice) + ConnectionsOn(cluster.NodeA, bob));
        Assert.Equal(1, ConnectionsOn(cluster.NodeB, alice) + ConnectionsOn(cluster.NodeB, bob));
        var fromAlice = await aliceHub.SendTextAsync(room.Id, "no negotiate");
        Assert.Equal(fromAlice.MessageId, (await bobHub.NextMessageAsync(MessageType.Text)).Id);
        var fromBob = await bobHub.SendTextAsync(room.Id, "none here either");
        Assert.Equal(fromBob.MessageId, (await aliceHub.NextMessageAsync(MessageType.Text)).Id);
    }

    private static async Task<HubClient> ConnectAsync(NginxProxy proxy, TestUser user, string? routeKey = null, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        if (routeKey is not null)
        {
            cookies.Add(proxy.Address, new Cookie("chat_node", routeKey));
        }

        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(proxy.Address, IChatHub.Path.TrimStart('/')), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                options.Cookies = cookies;
            })
            .WithProtocol(HubProtocol.MessagePack)
            .Build();
        return await HubClient.StartAsync(connection);
    }

    private static int ConnectionsOn(ChatNode node, TestUser user) =>
        node.Services.GetRequiredService<UserConnections>().Count(user.Id);
}
