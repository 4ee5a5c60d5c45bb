namespace Chat.Tests.Infrastructure;

/// <summary>
/// The REST routes relative to a node's base address, spelled once for every test (see
/// Chat.Api.http). Tests about a URL itself (routing, a malformed path) keep their own.
/// </summary>
public static class ApiRoutes
{
    public const string Register = "auth/register";
    public const string Token = "auth/token";
    public const string Guest = "auth/guest";
    public const string ServiceToken = "auth/service-token";
    public const string Refresh = "auth/refresh";
    public const string Logout = "auth/logout";
    public const string MySessions = "api/users/me/sessions";

    public static string UserSessions(Guid userId) => $"api/admin/users/{userId}/sessions";

    public const string Rooms = "api/rooms";
    public const string RoomSearch = "api/rooms/search";
    public const string Me = "api/users/me";
    public const string Blocks = "api/users/me/blocks";
    public const string Activity = "api/admin/activity";
    public const string Bots = "api/bots";

    public static string Room(Guid roomId) => $"{Rooms}/{roomId}";

    public static string Settings(Guid roomId) => $"{Room(roomId)}/settings";

    public static string RoomBots(Guid roomId) => $"{Room(roomId)}/bots";

    public static string Members(Guid roomId) => $"{Room(roomId)}/members";

    /// <summary>The caller's own membership, which leaving deletes.</summary>
    public static string MyMembership(Guid roomId) => $"{Members(roomId)}/me";

    public static string Role(Guid roomId, Guid userId) => $"{Members(roomId)}/{userId}/role";

    public static string Mute(Guid roomId, Guid userId) => $"{Members(roomId)}/{userId}/mute";

    public static string Kick(Guid roomId, Guid userId) => $"{Members(roomId)}/{userId}/kick";

    public static string Bans(Guid roomId) => $"{Room(roomId)}/bans";

    public static string Ban(Guid roomId, Guid userId) => $"{Bans(roomId)}/{userId}";

    public static string Messages(Guid roomId) => $"{Room(roomId)}/messages";

    /// <summary>Full-text search of all the caller's rooms.</summary>
    public const string MessageSearch = "api/messages/search";

    /// <summary>Full-text search of one room.</summary>
    public static string RoomMessageSearch(Guid roomId) => $"{Messages(roomId)}/search";

    public static string Pins(Guid roomId) => $"{Room(roomId)}/pins";

    public static string Pin(Guid roomId, Guid messageId) => $"{Pins(roomId)}/{messageId}";

    public static string Receipts(Guid roomId) => $"{Room(roomId)}/receipts";

    public static string Threads(Guid roomId) => $"{Room(roomId)}/threads";

    public static string Thread(Guid roomId, Guid rootId) => $"{Threads(roomId)}/{rootId}";

    public static string Attachments(Guid roomId) => $"{Room(roomId)}/attachments";

    public static string Invitations(Guid roomId) => $"{Room(roomId)}/invitations";

    public static string Accept(string invitationToken) => $"api/invitations/{invitationToken}/accept";

    public static string Attachment(Guid attachmentId) => $"api/attachments/{attachmentId}";

    public static string User(Guid userId) => $"api/users/{userId}";

    public static string Block(Guid userId) => $"{Blocks}/{userId}";
}
