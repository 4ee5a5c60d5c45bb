namespace Chat.Contracts;

/// <summary>Body of <c>PUT /api/rooms/{id}/members/{userId}/role</c>: admin, moderator, member or guest.</summary>
public sealed record ChangeRoleRequest(string? Role);

/// <summary>Body of <c>POST /api/rooms/{id}/members/{userId}/mute</c>: 1 s to one year.</summary>
public sealed record MuteRequest(int DurationSeconds);

/// <summary>Body of <c>POST /api/rooms/{id}/members/{userId}/kick</c>; the body itself may be left out.</summary>
public sealed record KickRequest(string? Reason);

/// <summary>Body of <c>POST /api/rooms/{id}/bans</c>.</summary>
public sealed record BanRequest(Guid UserId, string? Reason);

/// <summary>Body of <c>POST /auth/service-token</c>: a service client named in configuration and its secret.</summary>
public sealed record ServiceTokenRequest(string? Name, string? Secret);
