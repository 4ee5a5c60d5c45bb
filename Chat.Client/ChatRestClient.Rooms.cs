using Chat.Contracts;

namespace Chat.Client;

/// <summary>Rooms, their settings, members and invitations (<c>/api/rooms</c>, <c>/api/invitations</c>).</summary>
public sealed partial class ChatRestClient
{
    /// <summary>Creates a room with the caller as its admin.</summary>
    public Task<RoomDto> CreateRoomAsync(CreateRoomRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<RoomDto>(HttpMethod.Post, "api/rooms", request, cancellationToken);

    /// <summary>The caller's rooms with unread counts and last messages.</summary>
    public Task<RoomDto[]> GetRoomsAsync(CancellationToken cancellationToken = default) =>
        GetAsync<RoomDto[]>("api/rooms", cancellationToken);

    /// <summary>Public rooms (and the caller's private ones) by name, or by a member's userName.</summary>
    public Task<RoomDto[]> SearchRoomsAsync(string? query = null, string? memberUserName = null, CancellationToken cancellationToken = default) =>
        GetAsync<RoomDto[]>(Query("api/rooms/search", ("q", query), ("member", memberUserName)), cancellationToken);

    public Task<RoomDto> GetRoomAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<RoomDto>($"api/rooms/{roomId}", cancellationToken);

    /// <summary>Renames the room or changes its topic (admin); null leaves a field as it is.</summary>
    public Task<RoomDto> UpdateRoomAsync(Guid roomId, UpdateRoomRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<RoomDto>(HttpMethod.Patch, $"api/rooms/{roomId}", request, cancellationToken);

    /// <summary>Replaces the room's whole settings object (admin).</summary>
    public Task<RoomDto> UpdateSettingsAsync(Guid roomId, RoomSettings settings, CancellationToken cancellationToken = default) =>
        SendAsync<RoomDto>(HttpMethod.Put, $"api/rooms/{roomId}/settings", settings, cancellationToken);

    /// <summary>Members with role, presence and mutes.</summary>
    public Task<MemberDto[]> GetMembersAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<MemberDto[]>($"api/rooms/{roomId}/members", cancellationToken);

    /// <summary>Joins a public room, as the hub's JoinRoom does: open connections follow.</summary>
    public Task<MemberDto> JoinRoomAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        SendAsync<MemberDto>(HttpMethod.Post, $"api/rooms/{roomId}/members", null, cancellationToken);

    public Task LeaveRoomAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/rooms/{roomId}/members/me", null, cancellationToken);

    /// <summary>Issues an invitation; its token is shown only here.</summary>
    public Task<InvitationDto> CreateInvitationAsync(Guid roomId, CreateInvitationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<InvitationDto>(HttpMethod.Post, $"api/rooms/{roomId}/invitations", request, cancellationToken);

    /// <summary>Joins by invitation; an expired or used-up one is <c>gone</c>, an unknown one <c>not_found</c>.</summary>
    public Task<MemberDto> AcceptInvitationAsync(string token, CancellationToken cancellationToken = default) =>
        SendAsync<MemberDto>(HttpMethod.Post, $"api/invitations/{Uri.EscapeDataString(token)}/accept", null, cancellationToken);
}
