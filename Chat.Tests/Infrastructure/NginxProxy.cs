using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Chat.Bench.Targets;

namespace Chat.Tests.Infrastructure;

/// <summary>One request in the proxy's access log: the node that served it, the status, the path and query.</summary>
public sealed record RoutedRequest(string Upstream, string Status, string Uri);

/// <summary>How the proxy picks a node for a request.</summary>
public enum NginxRouting
{
    /// <summary>The sample's cookie hash: every request of one client reaches the same node.</summary>
    Sticky,

    /// <summary>The sample without its hash: requests take turns among the nodes.</summary>
    RoundRobin,
}

/// <summary>
/// Real nginx in front of chat nodes, run from deploy/nginx/chat.conf as shipped, with only the
/// addresses, ports and certificate changed. It runs in the foreground from a folder of its own
/// (pid file, logs, temp files), so it needs neither root nor anything under /etc/nginx.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private NginxProxy(Process process, string folder, Uri address, X509Certificate2? certificate)
    {
        this.process = process;
        this.folder = folder;
        Address = address;
        Certificate = certificate;
    }

    /// <summary>Where clients reach the proxy, such as http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The self-signed certificate the proxy serves when started with TLS.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>
    /// The access log: one line per request, the cookie-borne routing key and the node that served it
    /// (<c>key upstream status uri</c>).
    /// </summary>
    public string AccessLog => File.Exists(Path.Combine(folder, "access.log")) ? File.ReadAllText(Path.Combine(folder, "access.log")) : "";

    /// <summary>
    /// The requests that carried routing key <paramref name="key"/>, in the order they completed,
    /// once there are <paramref name="count"/> of them. nginx logs a request when it ends: a
    /// WebSocket only once it is closed.
    /// </summary>
    public async Task<IReadOnlyList<RoutedRequest>> RoutedAsync(string key, int count)
    {
        IReadOnlyList<RoutedRequest> routed = [];
        await Poll.UntilAsync(
            () =>
            {
                routed = [.. AccessLog.Split('\n')
                    .Where(l => l.StartsWith(key + " ", StringComparison.Ordinal))
                    .Select(l => l.Split(' '))
                    .Select(f => new RoutedRequest(f[1], f[2], f[3]))];
                return routed.Count >= count;
            },
            TimeSpan.FromSeconds(10),
            $"{count} requests with routing key {key} in the access log");
        return routed;
    }

    /// <summary>Starts nginx in front of <paramref name="nodes"/>, over TLS when <paramref name="tls"/> is set.</summary>
    public static async Task<NginxProxy> StartAsync(IReadOnlyList<Uri> nodes, NginxRouting routing = NginxRouting.Sticky, bool tls = false)
    {
        var binary = FindNginx();
        var folder = Directory.CreateTempSubdirectory("chat-nginx-").FullName;
        var port = FreePort();
        X509Certificate2? certificate = null;
        if (tls)
        {
            certificate = WriteCertificate(folder);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "chat.conf"), SiteConfig(nodes, routing, port, tls, folder));
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), MainConfig(folder));

        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // -e: the error log from the first line on, before the configuration names it; the
        // compiled-in /var/log/nginx may not be writable.
        foreach (var argument in new[] { "-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-e", Path.Combine(folder, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        // Read and dropped, so a full pipe never blocks nginx: what matters goes to error.log.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new NginxProxy(process, folder, new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/"), certificate);
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"nginx exited with {process.ExitCode}:{Environment.NewLine}{proxy.ErrorLog}");
                    }

                    using var probe = new TcpClient();
                    try
                    {
                        await probe.ConnectAsync(IPAddress.Loopback, port);
                        return true;
                    }
                    catch (SocketException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(20),
                "nginx listens");
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>What nginx wrote to its error log, for failure messages.</summary>
    /// <summary>What the sample's own access log (<c>chat_no_query</c>) holds so far.</summary>
    public string SampleAccessLog => File.Exists(Path.Combine(folder, "chat.access.log")) ? File.ReadAllText(Path.Combine(folder, "chat.access.log")) : "";

    public string ErrorLog => File.Exists(Path.Combine(folder, "error.log")) ? File.ReadAllText(Path.Combine(folder, "error.log")) : "";

    /// <summary>
    /// A value of the routing cookie that the proxy sends to <paramref name="node"/>, found by
    /// asking through the proxy with candidate keys and reading which node served each.
    /// </summary>
    public async Task<string> RouteKeyForAsync(Uri node)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Address };
        for (var i = 0; i < 64; i++)
        {
            var key = $"probe-{Guid.NewGuid():N}";
            using var request = new HttpRequestMessage(HttpMethod.Get, "health/live");
            request.Headers.Add("Cookie", $"chat_node={key}");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            if (await ServedByAsync(key) == node.Authority)
            {
                return key;
            }
        }

        throw new InvalidOperationException($"No routing key reached {node}:{Environment.NewLine}{AccessLog}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM is nginx's fast shutdown: the master stops its workers and exits.
            PosixSignals.Terminate(process.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
        Certificate?.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A worker still closing its log: the temp folder is the system's to clean.
        }
    }

    private async Task<string> ServedByAsync(string key) => (await RoutedAsync(key, 1))[0].Upstream;

    private static string SiteConfig(IReadOnlyList<Uri> nodes, NginxRouting routing, int port, bool tls, string folder)
    {
        var sample = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "nginx", "chat.conf"));

        // The nodes instead of the sample's two example addresses, with the sample's settings.
        var servers = ServerLine().Matches(sample);
        Assert.True(servers.Count > 0, "deploy/nginx/chat.conf lists no upstream server");
        var settings = servers[0].Groups["settings"].Value;
        var nodeLines = string.Concat(nodes.Select(n => $"    server {n.Authority}{settings};\n"));
        for (var i = servers.Count - 1; i >= 0; i--)
        {
            sample = sample.Remove(servers[i].Index, servers[i].Length);
        }

        sample = sample.Insert(servers[0].Index, nodeLines);
        if (routing == NginxRouting.RoundRobin)
        {
            sample = Replace(sample, HashLine(), "");
        }

        // The sample's own access log goes to the test's folder, beside the routing log the tests read.
        sample = Replace(sample, AccessLogLine(), $"access_log {Path.Combine(folder, "chat.access.log")} chat_no_query;\n    access_log {Path.Combine(folder, "access.log")} routing;");

        // The port 80 redirect is not under test; the TLS server listens on the test's port.
        sample = Replace(sample, RedirectServer(), "");
        sample = Replace(sample, Ipv6Listen(), "");
        sample = Replace(sample, TlsListen(), tls ? $"listen 127.0.0.1:{port} ssl;" : $"listen 127.0.0.1:{port};");
        if (tls)
        {
            sample = Replace(sample, CertificateLine(), $"ssl_certificate     {Path.Combine(folder, "cert.pem")};");
            sample = Replace(sample, KeyLine(), $"ssl_certificate_key {Path.Combine(folder, "key.pem")};");
        }
        else
        {
            sample = Replace(sample, SslLine(), "");
        }

        return sample;
    }

    private static string MainConfig(string folder) =>
        $$"""
        daemon off;
        worker_processes 1;
        pid {{folder}}/nginx.pid;
        error_log {{folder}}/error.log info;
        {{(Environment.UserName == "root" ? "user root;" : "")}}

        events {
            worker_connections 1024;
        }

        http {
            log_format routing '$chat_route_key $upstream_addr $status $request_uri';
            access_log {{folder}}/access.log routing;
            client_body_temp_path {{folder}}/client_body;
            proxy_temp_path {{folder}}/proxy;
            fastcgi_temp_path {{folder}}/fastcgi;
            uwsgi_temp_path {{folder}}/uwsgi;
            scgi_temp_path {{folder}}/scgi;
            include {{folder}}/chat.conf;
        }
        """;

    private static string Replace(string text, Regex pattern, string replacement)
    {
        Assert.Matches(pattern, text);
        return pattern.Replace(text, replacement);
    }

    private static X509Certificate2 WriteCertificate(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    private static string FindNginx()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("NGINX"), "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" };
        return candidates.FirstOrDefault(c => c is not null && File.Exists(c))
            ?? throw new FileNotFoundException("nginx is not installed; scripts/test.sh installs it (Debian package nginx)");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Chat.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("Chat.sln not found above the test assembly");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^[ \t]*server [0-9.]+:[0-9]+(?<settings>[^;]*);\n", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"access_log /var/log/nginx/chat\.access\.log chat_no_query;")]
    private static partial Regex AccessLogLine();

    [GeneratedRegex(@"^[ \t]*hash \$chat_route_key consistent;\n", RegexOptions.Multiline)]
    private static partial Regex HashLine();

    [GeneratedRegex(@"server \{\s*listen 80;.*?\}\n", RegexOptions.Singleline)]
    private static partial Regex RedirectServer();

    [GeneratedRegex(@"^[ \t]*listen \[::\]:443 ssl;\n", RegexOptions.Multiline)]
    private static partial Regex Ipv6Listen();

    [GeneratedRegex(@"listen 443 ssl;")]
    private static partial Regex TlsListen();

    [GeneratedRegex(@"ssl_certificate\s+\S+;")]
    private static partial Regex CertificateLine();

    [GeneratedRegex(@"ssl_certificate_key\s+\S+;")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^[ \t]*ssl_\w+\s[^;]*;\n", RegexOptions.Multiline)]
    private static partial Regex SslLine();
}
