using System.Security.Claims;
using Chat.Contracts;
using Chat.Hubs.Errors;

namespace Chat.Hubs;

/// <summary>The claims a token carries and how they are read; the user is never taken from a URL.</summary>
public static class ChatClaims
{
    public const string UserId = "sub";
    public const string Role = "role";
    public const string Name = "name";

    /// <summary>The user the token names; <c>unauthorized</c> when it names none.</summary>
    public static Guid UserIdOf(ClaimsPrincipal principal) =>
        TryUserId(principal, out var id) ? id : throw new ChatException(ErrorCodes.Unauthorized, "the token names no user");

    /// <summary>The token's global role; a plain user when it names none.</summary>
    public static GlobalRole RoleOf(ClaimsPrincipal principal)
    {
        var value = principal.FindFirstValue(Role) ?? principal.FindFirstValue(ClaimTypes.Role);
        return Enum.TryParse<GlobalRole>(value, ignoreCase: true, out var role) ? role : GlobalRole.User;
    }

    internal static bool TryUserId(ClaimsPrincipal principal, out Guid id)
    {
        var value = principal.FindFirstValue(UserId) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return Guid.TryParse(value, out id);
    }
}
