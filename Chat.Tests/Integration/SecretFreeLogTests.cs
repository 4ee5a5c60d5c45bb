using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// A node whose operator turned ASP.NET Core's logging up to Information, request lines included,
/// still writes no access token down when browsers connect with it in the query string.
/// </summary>
public sealed class SecretFreeLogTests
{
    [Fact]
    public async Task A_token_in_the_query_string_never_reaches_the_nodes_log()
    {
        var database = await TestServers.CreateDatabaseAsync();
        try
        {
            await using var node = await ChatNodeProcess.StartAsync(database, TestServers.Redis, new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            });
            var alice = await TestUser.RegisterAsync(node.Address, "alice");
            using var http = new HttpClient { BaseAddress = node.Address };

            // How a browser negotiates and then opens the WebSocket: the token in the query string.
            using var negotiated = await http.PostAsync($"hubs/chat/negotiate?negotiateVersion=1&access_token={alice.Token}", null);
            using var refused = await http.GetAsync($"hubs/chat?id=nothing&access_token={alice.Token}");

            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            // The hub's requests are in the log at Information (the endpoint that ran them) ...
            await Poll.UntilAsync(() => Task.FromResult(node.Output.Contains("/hubs/chat", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the node logs the hub requests");
            // ... and the token is not.
            Assert.DoesNotContain(alice.Token, node.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("access_token=", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
