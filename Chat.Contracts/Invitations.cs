using MessagePack;

namespace Chat.Contracts;

/// <summary>Body of <c>POST /api/rooms/{id}/invitations</c>; no <c>maxUses</c> means unlimited.</summary>
public sealed record CreateInvitationRequest(int ExpiresInSeconds, int? MaxUses = null);

/// <summary>A new invitation. The token is shown once: the server keeps only its hash.</summary>
[MessagePackObject]
public sealed record InvitationDto(
    [property: Key("token")] string Token,
    [property: Key("expiresAt")] DateTime ExpiresAt,
    [property: Key("maxUses")] int? MaxUses);
