using System.Net;
using System.Net.Sockets;

namespace Chat.Api.Limits;

/// <summary>The client address that per-address budgets are counted under.</summary>
/// <remarks>
/// The connection's remote address, which the forwarded-headers middleware has already replaced
/// with the client's when a trusted proxy sent the request (see ForwardedHeaders in README).
/// IPv6 clients are counted by their /64 network: one subscriber usually holds a whole /64 and
/// could otherwise take a fresh address for every request.
/// </remarks>
public static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            // In-process test servers have no socket; they all count as one client.
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"{new IPAddress(bytes)}/64";
        }

        return address.ToString();
    }
}
