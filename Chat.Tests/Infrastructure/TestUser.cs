using System.Net.Http.Json;
using Chat.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>A registered user with a token, as a test drives one.</summary>
public sealed record TestUser(UserDto Profile, string Token)
{
    private const string Password = "correct horse battery";

    public Guid Id => Profile.Id;

    /// <summary>Registers a user with a unique name on <paramref name="node"/> and signs in.</summary>
    public static Task<TestUser> RegisterAsync(ChatNode node, string name = "user") => RegisterAsync(node.Address, name);

    /// <summary>Registers a user through the service at <paramref name="address"/>: a node in another process, a proxy.</summary>
    public static async Task<TestUser> RegisterAsync(Uri address, string name = "user")
    {
        using var http = new HttpClient { BaseAddress = address };
        var userName = $"{name}_{Guid.NewGuid():N}"[..24];
        var register = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest(userName, Password, name));
        register.EnsureSuccessStatusCode();
        var profile = (await register.Content.ReadFromJsonAsync<UserDto>(Json.Options))!;
        return new TestUser(profile, await SignInAsync(http, userName));
    }

    /// <summary>A guest, who signs in with a display name only.</summary>
    public static async Task<TestUser> GuestAsync(ChatNode node, string displayName)
    {
        using var http = node.Http();
        using var response = await http.PostAsJsonAsync(ApiRoutes.Guest, new GuestRequest(displayName), Json.Options);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        using var authed = node.Http(token.AccessToken);
        return new TestUser(await authed.MeAsync(), token.AccessToken);
    }

    /// <summary>
    /// This user made a global admin in the database, the way operators make one, and signed in
    /// again for a token that carries the role.
    /// </summary>
    public async Task<TestUser> PromoteToGlobalAdminAsync(ChatNode node)
    {
        await using (var promote = node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("update users set role = 'admin' where id = $1"))
        {
            promote.Parameters.AddWithValue(Id);
            Assert.Equal(1, await promote.ExecuteNonQueryAsync());
        }

        using var http = node.Http();
        return this with { Token = await SignInAsync(http, Profile.UserName) };
    }

    /// <summary>Joins the public room through REST.</summary>
    public async Task JoinAsync(ChatNode node, Guid roomId)
    {
        using var http = node.Http(Token);
        await http.JoinAsync(roomId).ExpectSuccessAsync();
    }

    /// <summary>Creates a room through REST with this user as admin.</summary>
    public async Task<RoomDto> CreateRoomAsync(ChatNode node, bool isPrivate = false, string name = "room", RoomSettings? settings = null)
    {
        using var http = node.Http(Token);
        return await http.CreateRoomAsync(new CreateRoomRequest(name, null, isPrivate, settings)).ReadAsync<RoomDto>();
    }

    private static async Task<string> SignInAsync(HttpClient http, string userName)
    {
        var token = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(userName, Password));
        token.EnsureSuccessStatusCode();
        return (await token.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!.AccessToken;
    }
}
