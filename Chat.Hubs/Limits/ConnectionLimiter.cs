using Chat.Contracts;
using Chat.Hubs.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Limits;

/// <summary>Caps how many hub connections one user holds at once.</summary>
/// <remarks>
/// Counted cluster-wide when the nodes share Redis (the registry already lists every live
/// connection, so it is one round trip), per node otherwise. The connection is counted after it
/// is registered: two connections racing past the cap may both be refused, but never both
/// accepted.
/// </remarks>
public sealed class ConnectionLimiter(ConnectionDirectory connections, IOptions<RateLimitOptions> options)
{
    /// <summary>Refuses, with a <c>limit</c> error that closes the connection, one over the cap.</summary>
    public async Task EnsureWithinLimitAsync(Guid userId)
    {
        var count = await connections.CountAsync(userId);
        var cap = options.Value.ConnectionsPerUser;
        if (count > cap)
        {
            // A HubException's message reaches the client in the close frame; others are hidden.
            throw new HubException($"{ErrorCodes.Limit}: at most {cap} connections per user");
        }
    }
}
