using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>The REST calls of room membership and moderation, as a test drives them.</summary>
public static class ModerationApi
{
    public static async Task<HttpResponseMessage> JoinAsync(ChatNode node, TestUser user, Guid roomId)
    {
        using var http = node.Http(user.Token);
        return await http.PostAsync($"api/rooms/{roomId}/members", null);
    }

    public static async Task<HttpResponseMessage> ChangeRoleAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId, string role)
    {
        using var http = node.Http(actor.Token);
        return await http.PutAsJsonAsync($"api/rooms/{roomId}/members/{userId}/role", new ChangeRoleRequest(role), Json.Options);
    }

    public static async Task<HttpResponseMessage> MuteAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId, int durationSeconds)
    {
        using var http = node.Http(actor.Token);
        return await http.PostAsJsonAsync($"api/rooms/{roomId}/members/{userId}/mute", new MuteRequest(durationSeconds), Json.Options);
    }

    public static async Task<HttpResponseMessage> UnmuteAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId)
    {
        using var http = node.Http(actor.Token);
        return await http.DeleteAsync($"api/rooms/{roomId}/members/{userId}/mute");
    }

    public static async Task<HttpResponseMessage> KickAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId, string? reason = null)
    {
        using var http = node.Http(actor.Token);
        return await http.PostAsJsonAsync($"api/rooms/{roomId}/members/{userId}/kick", new KickRequest(reason), Json.Options);
    }

    public static async Task<HttpResponseMessage> BanAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId, string? reason = null)
    {
        using var http = node.Http(actor.Token);
        return await http.PostAsJsonAsync($"api/rooms/{roomId}/bans", new BanRequest(userId, reason), Json.Options);
    }

    public static async Task<HttpResponseMessage> UnbanAsync(ChatNode node, TestUser actor, Guid roomId, Guid userId)
    {
        using var http = node.Http(actor.Token);
        return await http.DeleteAsync($"api/rooms/{roomId}/bans/{userId}");
    }

    /// <summary>Fails the test unless the call succeeded with <paramref name="status"/>.</summary>
    public static async Task ExpectAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        Assert.True(response.StatusCode == status, $"{status} expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The contract <c>code</c> of a problem answer.</summary>
    public static async Task<string?> CodeOfAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

    public static async Task<MemberDto> MemberOfAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<MemberDto>(Json.Options))!;
    }
}
