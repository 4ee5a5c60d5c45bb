using System.Security.Claims;
using Chat.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs;

/// <summary>
/// Who is calling, through either door: the user, their global role, and the hub connection the
/// call came on (null over REST). The services take it instead of loose ids and roles.
/// </summary>
public sealed record Caller(Guid UserId, GlobalRole Role, string? ConnectionId = null)
{
    /// <summary>A global admin, who may act in any room without being a member.</summary>
    public bool IsGlobalAdmin => Role == GlobalRole.Admin;

    /// <summary>
    /// The caller of a REST request, bound once per request: a handler takes a <see cref="Caller"/>
    /// parameter and minimal APIs call this for it.
    /// </summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(Of(context.User));

    /// <summary>The caller of a hub call, on the connection it came on.</summary>
    public static Caller Of(HubCallerContext context) => Of(context.User!) with { ConnectionId = context.ConnectionId };

    /// <summary>The caller a validated token names; refused as <c>unauthorized</c> when it names no user.</summary>
    public static Caller Of(ClaimsPrincipal principal) =>
        principal is CallerPrincipal kept ? kept.Caller : new Caller(ChatClaims.UserIdOf(principal), ChatClaims.RoleOf(principal));
}
