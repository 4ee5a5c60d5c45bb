using Chat.Client;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Client;

/// <summary>Typed clients for test users, configured the way another service would.</summary>
public static class ClientFactory
{
    /// <summary>Reconnect attempts every quarter second, so a restarted node is found again promptly.</summary>
    public static ChatClientOptions Options(Uri address, string? token) => new()
    {
        BaseAddress = address,
        AccessTokenProvider = () => Task.FromResult(token),
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(250)],
    };

    /// <summary>A started hub client for <paramref name="user"/>.</summary>
    public static async Task<ChatClient> ConnectAsync(Uri address, TestUser user)
    {
        var client = new ChatClient(Options(address, user.Token));
        await client.StartAsync();
        return client;
    }

    public static ChatRestClient Rest(Uri address, string? token = null) => ChatRestClient.Create(Options(address, token));
}
