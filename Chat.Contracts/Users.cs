using MessagePack;

namespace Chat.Contracts;

/// <summary>A user's public profile with presence.</summary>
[MessagePackObject]
public sealed record UserDto(
    [property: Key("id")] Guid Id,
    [property: Key("userName")] string UserName,
    [property: Key("displayName")] string DisplayName,
    [property: Key("avatarUrl")] string? AvatarUrl,
    [property: Key("role")] GlobalRole Role,
    [property: Key("status")] PresenceStatus Status,
    [property: Key("lastSeenAt")] DateTime? LastSeenAt);

/// <summary>Body of <c>POST /auth/register</c>.</summary>
public sealed record RegisterRequest(string UserName, string Password, string DisplayName);

/// <summary>Body of <c>POST /auth/token</c>.</summary>
public sealed record TokenRequest(string UserName, string Password);

/// <summary>Body of <c>POST /auth/guest</c>.</summary>
public sealed record GuestRequest(string DisplayName);

/// <summary>
/// An issued access token and, for a user's sign-in, the refresh token that renews it
/// (<c>POST /auth/refresh</c>); a service's token comes without one.
/// </summary>
public sealed record TokenResponse(string AccessToken, DateTime ExpiresAt, Guid UserId, string? RefreshToken = null, DateTime? RefreshExpiresAt = null);

/// <summary>Body of <c>POST /auth/refresh</c> and <c>POST /auth/logout</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Body of <c>PATCH /api/users/me</c>; absent fields stay as they are.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? AvatarUrl);
