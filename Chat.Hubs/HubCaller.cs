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
    // An object key: a string key would be hashed on every hub call.
    private static readonly object ItemKey = new();

    public static HubCaller Of(HubCallerContext context)
    {
        if (context.User is CallerPrincipal principal)
        {
            return principal.Caller;
        }

        // A principal from elsewhere (another authentication scheme): read once, kept with the
        // connection, since the principal does not change for a connection's life.
        if (context.Items.TryGetValue(ItemKey, out var kept) && kept is HubCaller caller)
        {
            return caller;
        }

        var read = new HubCaller(context.User!.UserId(), context.User!.GlobalRole());
        context.Items[ItemKey] = read;
        return read;
    }
}
