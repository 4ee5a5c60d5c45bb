namespace Chat.Contracts;

/// <summary>Body of <c>POST /api/users/me/blocks</c>.</summary>
public sealed record BlockUserRequest(Guid? UserId);
