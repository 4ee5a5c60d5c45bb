using System.Net;
using System.Net.Sockets;

namespace Chat.Hubs.Outbound;

/// <summary>
/// Which addresses the service's own outgoing requests (webhook deliveries, pushes) may reach:
/// public unicast ones only, so that a URL a user registers cannot make the server reach into its
/// own network. Loopback, private (RFC 1918, unique local), link-local (the cloud metadata service
/// among them), shared (CGNAT), documentation, benchmarking, multicast and reserved ranges are
/// refused, as are IPv6 forms that embed such an IPv4 address.
/// </summary>
public static class PublicAddresses
{
    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    /// <summary>Whether a URL's host names this machine without DNS: <c>localhost</c> and the <c>.localhost</c> names (RFC 6761).</summary>
    public static bool IsLocalHostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost.", StringComparison.OrdinalIgnoreCase)
        || host.Equals("localhost.", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a URL names this machine or an address that is not public outright, so that it can
    /// be refused when it is given, before any name is resolved; names are checked again at connect.
    /// </summary>
    public static bool NamesNonPublicHost(Uri uri) =>
        IsLocalHostName(uri.IdnHost)
        || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && !IsPublic(address));

    /// <summary>
    /// Connects an outgoing request's socket (the HTTP handler's <c>ConnectCallback</c>): resolves the host
    /// now, keeps only the addresses the rule allows, and connects to one of those. Checking here,
    /// on the address actually connected to, is what defeats DNS rebinding: a name that resolved
    /// to a public address at registration and to a private one later is refused now.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivate ? addresses : [.. addresses.Where(IsPublic)];
        if (allowed.Length == 0)
        {
            throw new AddressRefusedException(
                $"{endpoint.Host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, which the service may not reach (loopback, private or link-local)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] is 0 or 10 or 127 or >= 224 // "this" network, private, loopback, multicast and reserved
        || (b[0] == 100 && b[1] is >= 64 and < 128) // shared address space (CGNAT)
        || (b[0] == 169 && b[1] == 254) // link-local, the cloud metadata service
        || (b[0] == 172 && b[1] is >= 16 and < 32) // private
        || (b[0] == 192 && b[1] == 168) // private
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, documentation
        || (b[0] == 198 && b[1] is 18 or 19) // benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100) // documentation
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)); // documentation

    private static bool IsPublicV6(IPAddress address)
    {
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        // NAT64 (64:ff9b::/96) and the deprecated IPv4-compatible form (::/96) carry an IPv4
        // address in their last four bytes; 6to4 (2002::/16) in the four after the prefix.
        if ((b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            || b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(b[12..]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b[2..6]);
        }

        // Documentation (2001:db8::/32).
        return !(b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
    }
}

/// <summary>An outgoing request refused because its host resolves only to addresses the service may not reach.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);
