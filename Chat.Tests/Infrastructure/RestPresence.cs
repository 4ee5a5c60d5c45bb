using System.Net.Http.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>Reads presence the way a REST client sees it: a user's profile and a room's member list.</summary>
public static class RestPresence
{
    /// <summary>GET /api/users/{id} on the node at <paramref name="http"/>.</summary>
    public static async Task<UserDto> ProfileAsync(HttpClient http, Guid userId) =>
        (await http.GetFromJsonAsync<UserDto>($"api/users/{userId}", Json.Options))!;

    /// <summary>The entry of <paramref name="userId"/> in GET /api/rooms/{id}/members.</summary>
    public static async Task<MemberDto> MemberAsync(HttpClient http, Guid roomId, Guid userId)
    {
        var members = await http.GetFromJsonAsync<MemberDto[]>($"api/rooms/{roomId}/members", Json.Options);
        return Assert.Single(members!, m => m.UserId == userId);
    }

    /// <summary>Joins the public room over REST as the user whose token <paramref name="http"/> carries.</summary>
    public static async Task JoinAsync(HttpClient http, Guid roomId)
    {
        var join = await http.PostAsync($"api/rooms/{roomId}/members", null);
        join.EnsureSuccessStatusCode();
    }
}
