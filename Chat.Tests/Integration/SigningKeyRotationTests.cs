using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// Rotating the signing key: the new key signs, the old one still validates until it is dropped,
/// so users keep their sessions across a rotation.
/// </summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private static readonly string NewKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await TestServers.CreateDatabaseAsync();

    public Task DisposeAsync() => TestServers.DropDatabaseAsync(connectionString);

    [Fact]
    public async Task A_token_signed_before_the_rotation_still_works_while_its_key_is_listed_as_previous()
    {
        TestUser alice;
        await using (var before = ChatNode.Start(connectionString))
        {
            alice = await TestUser.RegisterAsync(before, "alice");
        }

        await using var rotated = ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["Jwt:SigningKey"] = NewKey,
            ["Jwt:PreviousSigningKeys:0"] = TestServers.SigningKey,
        });
        using var oldSession = rotated.Http(alice.Token);
        var bob = await TestUser.RegisterAsync(rotated, "bob");
        using var newSession = rotated.Http(bob.Token);

        Assert.Equal(HttpStatusCode.OK, (await oldSession.GetAsync(ApiRoutes.Me)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newSession.GetAsync(ApiRoutes.Me)).StatusCode);
        await using var hub = HubClient.Build(rotated, alice.Token);
        await hub.StartAsync();
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task Once_the_old_key_is_dropped_its_tokens_are_refused_and_new_ones_are_not()
    {
        TestUser alice;
        TestUser bob;
        await using (var rotated = ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["Jwt:SigningKey"] = NewKey,
            ["Jwt:PreviousSigningKeys:0"] = TestServers.SigningKey,
        }))
        {
            bob = await TestUser.RegisterAsync(rotated, "bob");
        }

        await using (var before = ChatNode.Start(connectionString))
        {
            alice = await TestUser.RegisterAsync(before, "alice");
        }

        await using var dropped = ChatNode.Start(connectionString, extra: new Dictionary<string, string?> { ["Jwt:SigningKey"] = NewKey });
        using var oldSession = dropped.Http(alice.Token);
        using var newSession = dropped.Http(bob.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await oldSession.GetAsync(ApiRoutes.Me)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newSession.GetAsync(ApiRoutes.Me)).StatusCode);
    }

    [Fact]
    public async Task A_previous_key_that_is_too_short_stops_the_node_from_starting()
    {
        var error = Assert.ThrowsAny<Exception>(() => ChatNode.Start(connectionString, extra: new Dictionary<string, string?>
        {
            ["Jwt:PreviousSigningKeys:0"] = Convert.ToBase64String(new byte[16]),
        }));

        Assert.Contains("PreviousSigningKeys", error.ToString());
    }
}
