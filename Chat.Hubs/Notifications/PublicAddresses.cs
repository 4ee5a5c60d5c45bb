using System.Net;
using System.Net.Sockets;

namespace Chat.Hubs.Notifications;

/// <summary>
/// Whether an address is on the public internet. A push subscription names any URL its browser
/// (or an attacker posing as one) likes; the server posts only to public addresses, so that a
/// subscription cannot make it reach into its own network.
/// </summary>
public static class PublicAddresses
{
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return !NotPublic.Any(range => range.Contains(address));
    }

    /// <summary>
    /// Connects to <paramref name="host"/> on one of its public addresses (any address when
    /// <paramref name="anyAddress"/>), for <c>SocketsHttpHandler.ConnectCallback</c>: checked at
    /// connect time, so a name that resolves differently later cannot slip past a check made earlier.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint host, bool anyAddress, CancellationToken cancellationToken)
    {
        var addresses = (await Dns.GetHostAddressesAsync(host.Host, cancellationToken))
            .Where(a => anyAddress || IsPublic(a))
            .ToArray();
        if (addresses.Length == 0)
        {
            throw new HttpRequestException($"{host.Host} has no public address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, host.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
