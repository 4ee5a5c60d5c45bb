using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs;

/// <summary>
/// Who is calling on a hub connection. Parsed once, when the token was validated, and kept in the
/// connection's <see cref="CallerPrincipal"/>: walking the claims on every send showed in the
/// node's profile.
/// </summary>
internal sealed record HubCaller(Guid UserId, GlobalRole Role)
{
    // Every validated token becomes a CallerPrincipal; any other principal names no user, and
    // reading it refuses the call as unauthorized.
    public static HubCaller Of(HubCallerContext context) =>
        context.User is CallerPrincipal principal
            ? principal.Caller
            : new HubCaller(context.User!.UserId(), context.User!.GlobalRole());
}
