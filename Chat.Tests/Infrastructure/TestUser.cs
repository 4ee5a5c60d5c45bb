using System.Net.Http.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>A registered user with a token, as a test drives one.</summary>
public sealed record TestUser(UserDto Profile, string Token)
{
    public Guid Id => Profile.Id;

    /// <summary>Registers a user with a unique name on <paramref name="node"/> and signs in.</summary>
    public static Task<TestUser> RegisterAsync(ChatNode node, string name = "user") => RegisterAsync(node.Address, name);

    /// <summary>Registers a user through the service at <paramref name="address"/>: a node in another process, a proxy.</summary>
    public static async Task<TestUser> RegisterAsync(Uri address, string name = "user")
    {
        using var http = new HttpClient { BaseAddress = address };
        var userName = $"{name}_{Guid.NewGuid():N}"[..24];
        var register = await http.PostAsJsonAsync("auth/register", new RegisterRequest(userName, "correct horse battery", name));
        register.EnsureSuccessStatusCode();
        var profile = (await register.Content.ReadFromJsonAsync<UserDto>(Json.Options))!;
        var token = await http.PostAsJsonAsync("auth/token", new TokenRequest(userName, "correct horse battery"));
        token.EnsureSuccessStatusCode();
        var issued = (await token.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        return new TestUser(profile, issued.AccessToken);
    }

    /// <summary>Creates a room through REST with this user as admin.</summary>
    public async Task<RoomDto> CreateRoomAsync(ChatNode node, bool isPrivate = false, string name = "room")
    {
        using var http = node.Http(Token);
        var response = await http.PostAsJsonAsync("api/rooms", new CreateRoomRequest(name, null, isPrivate, null), Json.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RoomDto>(Json.Options))!;
    }
}
