using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Client;

/// <summary>
/// A hub connection lasts no longer than its access token, and clients that renew their tokens
/// come back by themselves, missing nothing.
/// </summary>
public sealed class TokenExpiryTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string Password = "correct horse battery";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_hub_connection_is_closed_when_its_access_token_expires_and_others_stay_open()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var shortLived = HubClient.Build(Node, TokenFor(alice.Id, TimeSpan.FromSeconds(3)));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        shortLived.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        await using var lasting = await HubClient.ConnectAsync(Node, alice);

        await shortLived.StartAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(HubConnectionState.Disconnected, shortLived.State);
        Assert.Equal(HubConnectionState.Connected, lasting.Connection.State);
        await shortLived.DisposeAsync();
    }

    [Fact]
    public async Task A_chat_client_whose_tokens_keep_expiring_comes_back_each_time_and_misses_no_message()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await bob.JoinAsync(Node, room.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var tokensIssued = 0;
        var options = ClientFactory.Options(Node.Address, null);
        // Every (re)connect gets a token that lives three seconds.
        options.AccessTokenProvider = () =>
        {
            Interlocked.Increment(ref tokensIssued);
            return Task.FromResult<string?>(TokenFor(bob.Id, TimeSpan.FromSeconds(3)));
        };
        await using var client = new ChatClient(options);
        var heard = new Heard<MessageDto>();
        client.MessageReceived += heard.Add;
        await client.StartAsync();
        await client.JoinRoomAsync(room.Id);

        var sent = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add((await aliceHub.SendTextAsync(room.Id, $"message {i}")).MessageId);
            await Task.Delay(500);
        }

        var received = new List<Guid>();
        while (received.Count < sent.Count)
        {
            received.Add((await heard.NextAsync(m => m.Type == MessageType.Text, TimeSpan.FromSeconds(20))).Id);
        }

        Assert.Equal(sent, received);
        Assert.True(tokensIssued >= 3, $"{tokensIssued} tokens: the connection should have been closed at each expiry and opened again");
    }

    [Fact]
    public async Task A_user_token_source_renews_with_the_refresh_token_and_signs_in_again_once_the_sign_in_is_revoked()
    {
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new UserTokenSource(ClientFactory.Rest(Node.Address), carol.Profile.UserName, Password, clock);

        var first = await source.GetTokenAsync();
        Assert.Equal(first, await source.GetTokenAsync());
        clock.Advance(TimeSpan.FromDays(1));
        var renewed = await source.GetTokenAsync();
        await ClientFactory.Rest(Node.Address, renewed).RevokeMySessionsAsync();
        clock.Advance(TimeSpan.FromDays(1));
        var afterRevoke = await source.GetTokenAsync();

        Assert.NotEqual(first, renewed);
        Assert.NotEqual(renewed, afterRevoke);
        Assert.Equal(carol.Id, (await ClientFactory.Rest(Node.Address, afterRevoke).GetMeAsync()).Id);
    }

    [Fact]
    public async Task A_user_token_source_without_a_password_says_so_when_its_sign_in_is_gone()
    {
        var guest = await ClientFactory.Rest(Node.Address).GetGuestTokenAsync("visitor");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new UserTokenSource(ClientFactory.Rest(Node.Address), guest, clock);

        var renewed = await source.GetTokenAsync();
        await source.SignOutAsync();
        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(guest.UserId, (await ClientFactory.Rest(Node.Address, renewed).GetMeAsync()).Id);
        await Assert.ThrowsAsync<InvalidOperationException>(source.GetTokenAsync);
    }

    private static string TokenFor(Guid userId, TimeSpan lifetime) =>
        TestTokens.Sign(userId, DateTime.UtcNow.AddSeconds(-1), DateTime.UtcNow + lifetime, role: "user");
}
