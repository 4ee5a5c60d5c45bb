using Chat.Contracts;

namespace Chat.Client;

/// <summary>Roles, mutes, kicks and bans under <c>/api/rooms/{id}</c>.</summary>
public sealed partial class ChatRestClient
{
    /// <summary>Gives a member another room role (admin).</summary>
    public Task<MemberDto> ChangeRoleAsync(Guid roomId, Guid userId, RoomRole role, CancellationToken cancellationToken = default) =>
        SendAsync<MemberDto>(HttpMethod.Put, $"api/rooms/{roomId}/members/{userId}/role", new ChangeRoleRequest(role.ToString().ToLowerInvariant()), cancellationToken);

    /// <summary>Mutes a member for <paramref name="duration"/> (moderator+).</summary>
    public Task<MemberDto> MuteAsync(Guid roomId, Guid userId, TimeSpan duration, CancellationToken cancellationToken = default) =>
        SendAsync<MemberDto>(HttpMethod.Post, $"api/rooms/{roomId}/members/{userId}/mute", new MuteRequest((int)Math.Ceiling(duration.TotalSeconds)), cancellationToken);

    public Task<MemberDto> UnmuteAsync(Guid roomId, Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync<MemberDto>(HttpMethod.Delete, $"api/rooms/{roomId}/members/{userId}/mute", null, cancellationToken);

    /// <summary>Removes a member at once (moderator+); they may join again.</summary>
    public Task KickAsync(Guid roomId, Guid userId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/rooms/{roomId}/members/{userId}/kick", new KickRequest(reason), cancellationToken);

    /// <summary>Removes a user and refuses every later join (moderator+).</summary>
    public Task BanAsync(Guid roomId, Guid userId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/rooms/{roomId}/bans", new BanRequest(userId, reason), cancellationToken);

    public Task UnbanAsync(Guid roomId, Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/rooms/{roomId}/bans/{userId}", null, cancellationToken);
}
