using System.Security.Claims;
using Chat.Contracts;
using Chat.Hubs.Errors;

namespace Chat.Hubs;

/// <summary>Reads who is calling from the token's claims; the user is never taken from a URL.</summary>
public static class ChatPrincipal
{
    public const string UserIdClaim = "sub";
    public const string RoleClaim = "role";
    public const string NameClaim = "name";

    public static Guid UserId(this ClaimsPrincipal principal) =>
        TryUserId(principal, out var id) ? id : throw new ChatException(ErrorCodes.Unauthorized, "the token names no user");

    public static GlobalRole GlobalRole(this ClaimsPrincipal principal)
    {
        if (principal is CallerPrincipal caller)
        {
            return caller.Caller.Role;
        }

        var value = principal.FindFirstValue(RoleClaim) ?? principal.FindFirstValue(ClaimTypes.Role);
        return Enum.TryParse<GlobalRole>(value, ignoreCase: true, out var role) ? role : Contracts.GlobalRole.User;
    }

    internal static bool TryUserId(ClaimsPrincipal principal, out Guid id)
    {
        if (principal is CallerPrincipal caller)
        {
            id = caller.Caller.UserId;
            return true;
        }

        var value = principal.FindFirstValue(UserIdClaim) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return Guid.TryParse(value, out id);
    }
}
