using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Integration;

public sealed class AuthenticationTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Registering_folds_the_user_name_to_lower_case_and_refuses_a_taken_one()
    {
        using var http = Node.Http();
        var name = $"Mixed_{Guid.NewGuid():N}"[..20];

        var created = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest(name, "long enough", "Mixed"));
        var again = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest(name.ToLowerInvariant(), "long enough", "Other"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<UserDto>(Json.Options);
        Assert.Equal(name.ToLowerInvariant(), user!.UserName);
        Assert.Equal(GlobalRole.User, user.Role);
        await ProblemAssert.HasCodeAsync(again, HttpStatusCode.Conflict, "conflict");
        var signIn = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(name.ToUpperInvariant(), "long enough"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http();

        var wrong = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(alice.Profile.UserName, "not the password"));
        var unknown = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest("nobody_" + Guid.NewGuid().ToString("N")[..8], "whatever1"));

        var wrongBody = await ProblemAssert.HasCodeAsync(wrong, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var unknownBody = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(wrongBody.GetProperty("detail").GetString(), unknownBody.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Password_is_stored_hashed()
    {
        using var http = Node.Http();
        var name = $"hash_{Guid.NewGuid():N}"[..20];
        await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest(name, "plain text secret", "Hash"));

        await using var db = new Npgsql.NpgsqlConnection(Node.Services.GetRequiredService<IConfiguration>().GetConnectionString("Chat"));
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select password_hash from users where user_name = @n", db);
        command.Parameters.AddWithValue("n", name);
        var stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.DoesNotContain("plain text secret", stored);
        Assert.True(stored.Length > 40);
    }

    [Fact]
    public async Task Guest_token_names_a_new_guest_user()
    {
        using var http = Node.Http();

        var response = await http.PostAsJsonAsync(ApiRoutes.Guest, new GuestRequest("Visitor"));
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options);
        using var authed = Node.Http(token!.AccessToken);
        var me = await authed.MeAsync();

        Assert.Equal(token.UserId, me.Id);
        Assert.Equal(GlobalRole.Guest, me.Role);
        Assert.Equal("Visitor", me.DisplayName);
        Assert.True(token.ExpiresAt > DateTime.UtcNow);
        var create = await authed.CreateRoomAsync(new CreateRoomRequest("mine", null, false, null));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }

    [Fact]
    public async Task Negotiate_without_a_token_is_401()
    {
        using var http = Node.Http();

        var response = await http.PostAsync("hubs/chat/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var connection = HubClient.Build(Node, token: null);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_websocket_opened_without_negotiating_and_without_a_token_is_refused()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Node.Address, IChatHub.Path.TrimStart('/')), options =>
            {
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => connection.StartAsync());

        Assert.Contains("401", error.Message);
    }

    public static TheoryData<string> BadTokens => new()
    {
        "expired",
        "wrong-signature",
        "wrong-issuer",
        "wrong-audience",
        "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Negotiate_with_a_bad_token_is_401_by_header_and_by_query(string kind)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var token = kind == "garbage" ? "not.a.jwt" : Forge(alice.Id, kind);
        using var http = Node.Http(token);

        var byHeader = await http.PostAsync("hubs/chat/negotiate?negotiateVersion=1", null);
        using var anonymous = Node.Http();
        var byQuery = await anonymous.PostAsync($"hubs/chat/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(token)}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byQuery.StatusCode);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => HubClient.Build(Node, token).StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_good_token_in_the_query_string_opens_the_hub_but_not_the_rest_api()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var anonymous = Node.Http();

        var negotiate = await anonymous.PostAsync($"hubs/chat/negotiate?negotiateVersion=1&access_token={alice.Token}", null);
        var rest = await anonymous.GetAsync($"{ApiRoutes.Me}?access_token={alice.Token}");

        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }

    private static string Forge(Guid userId, string kind)
    {
        var now = DateTime.UtcNow;
        var expired = kind == "expired";
        return TestTokens.Sign(
            userId,
            issuedAt: expired ? now.AddHours(-2) : now,
            expires: expired ? now.AddHours(-1) : now.AddHours(1),
            key: kind == "wrong-signature" ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) : null,
            issuer: kind == "wrong-issuer" ? "someone-else" : "chat",
            audience: kind == "wrong-audience" ? "another-app" : "chat");
    }
}
