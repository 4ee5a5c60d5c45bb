using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Chat.Bench.Targets;

/// <summary>
/// What the backplane's Redis has spent, from its own <c>INFO</c>: CPU seconds (user and system)
/// and memory. Read over a plain socket, so the bench needs no Redis client of its own.
/// </summary>
public readonly record struct RedisInfo(double CpuSeconds, long UsedMemoryBytes, long RssBytes)
{
    /// <summary>Null when Redis cannot be reached or read; a measure, never a reason to fail a run.</summary>
    public static async Task<RedisInfo?> ReadAsync(string configuration, CancellationToken cancellationToken)
    {
        var endpoint = configuration.Split(',')[0];
        var colon = endpoint.LastIndexOf(':');
        var (host, port) = colon > 0 ? (endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture)) : (endpoint, 6379);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("INFO\r\n"u8.ToArray(), cancellationToken);
            // A bulk reply: "$LENGTH\r\n" then the text, read until it is all here.
            var received = new StringBuilder();
            var buffer = new byte[8192];
            int? expected = null;
            while (expected is null || Encoding.UTF8.GetByteCount(received.ToString()) < expected)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                var text = received.ToString();
                if (expected is null && text.IndexOf("\r\n", StringComparison.Ordinal) is > 0 and var end)
                {
                    expected = int.Parse(text[1..end], CultureInfo.InvariantCulture) + end + 4;
                }
            }

            var fields = received.ToString().Split("\r\n")
                .Select(line => line.Split(':', 2))
                .Where(pair => pair.Length == 2)
                .ToDictionary(pair => pair[0], pair => pair[1]);
            return new RedisInfo(
                Number(fields, "used_cpu_user") + Number(fields, "used_cpu_sys"),
                (long)Number(fields, "used_memory"),
                (long)Number(fields, "used_memory_rss"));
        }
        catch (Exception e) when (e is SocketException or IOException or FormatException)
        {
            return null;
        }
    }

    private static double Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : 0;
}
