using System.Security.Claims;
using Chat.Contracts;

namespace Chat.Hubs;

/// <summary>
/// The principal a request keeps once its token is validated: only the claims the service reads
/// (who, their name, their role), no link back to the token, and the caller's id and role
/// already parsed.
/// </summary>
/// <remarks>
/// A hub connection keeps its request's principal for as long as it is open. The one the token
/// handler builds holds the parsed token (its raw text, header and payload claim sets) and a
/// claim with a property bag for every registered claim, kilobytes a connection that nothing
/// reads; and the hub would otherwise parse the id from the claims, or keep it in a dictionary of
/// its own per connection, on every call.
/// </remarks>
public sealed class CallerPrincipal : ClaimsPrincipal
{
    private static readonly HashSet<string> KeptClaims =
    [
        ChatClaims.UserId,
        ClaimTypes.NameIdentifier,
        ChatClaims.Name,
        ChatClaims.Role,
        ClaimTypes.Role,
    ];

    private CallerPrincipal(ClaimsIdentity identity, Caller caller)
        : base(identity) => Caller = caller;

    /// <summary>Who the token names, parsed once for every later call.</summary>
    public Caller Caller { get; }

    /// <summary>
    /// The kept principal for <paramref name="validated"/>. A token that names no user keeps its
    /// few claims in a plain principal, so every use still refuses it as before.
    /// </summary>
    public static ClaimsPrincipal Keep(ClaimsPrincipal validated)
    {
        var source = validated.Identity as ClaimsIdentity;
        var identity = new ClaimsIdentity(
            validated.Claims.Where(claim => KeptClaims.Contains(claim.Type)).Select(claim => new Claim(claim.Type, claim.Value)),
            source?.AuthenticationType ?? "Bearer",
            source?.NameClaimType ?? ChatClaims.Name,
            source?.RoleClaimType ?? ChatClaims.Role);
        return ChatClaims.TryUserId(validated, out var userId)
            ? new CallerPrincipal(identity, new Caller(userId, ChatClaims.RoleOf(validated)))
            : new ClaimsPrincipal(identity);
    }
}
