using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Chat.Bench.Targets;

/// <summary>Free TCP ports on 127.0.0.1 for the servers the bench starts.</summary>
public static class LoopbackPorts
{
    private const int Lowest = 10_000;

    /// <summary>
    /// A port that is free now, below the kernel's ephemeral range: a server killed and started
    /// again on its port must find it free, and with a thousand clients reconnecting meanwhile an
    /// outgoing connection could otherwise take a port of that range as its own.
    /// </summary>
    public static int Free()
    {
        var ephemeralStart = EphemeralRangeStart();
        if (ephemeralStart > Lowest + 1000)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Lowest, ephemeralStart);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        // Any port the kernel gives: free when asked, which is enough for a server never restarted.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
