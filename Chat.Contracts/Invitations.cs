using MessagePack;

namespace Chat.Contracts;

/// <summary>Body of <c>POST /api/rooms/{id}/invitations</c>; no <c>maxUses</c> means unlimited.</summary>
public sealed record CreateInvitationRequest(int ExpiresInSeconds, int? MaxUses = null);

/// <summary>A new invitation. The token is shown once: the server keeps only its hash.</summary>
[MessagePackObject]
public sealed record InvitationDto(
    [property: Key("token")] string Token,
    [property: Key("expiresAt")] DateTime ExpiresAt,
    [property: Key("maxUses")] int? MaxUses,
    [property: Key("id")] Guid Id);

/// <summary>An invitation as moderators see it in <c>GET /api/rooms/{id}/invitations</c>: everything but the token.</summary>
[MessagePackObject]
public sealed record InvitationSummaryDto(
    [property: Key("id")] Guid Id,
    [property: Key("createdBy")] Guid CreatedBy,
    [property: Key("expiresAt")] DateTime ExpiresAt,
    [property: Key("maxUses")] int? MaxUses,
    [property: Key("uses")] int Uses,
    [property: Key("createdAt")] DateTime CreatedAt);
