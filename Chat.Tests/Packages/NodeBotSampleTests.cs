using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Packages;

/// <summary>
/// The npm package as a Node program outside this repository gets it: the tarball a release
/// publishes, installed into a copy of samples/node-bot and run against a real node, and the
/// tarball's own contents, which are all an installer ever sees.
/// </summary>
public sealed class NodeBotSampleTests(PackedClientsFixture fixture) : IClassFixture<PackedClientsFixture>
{
    private const string PackageName = "@chat-service/client";

    // A cold npm cache downloads SignalR and its Node dependencies from the registry.
    private static readonly TimeSpan InstallDeadline = TimeSpan.FromMinutes(3);

    // The bot gives up by itself after 30 s; this only stops one that hangs on the way out.
    private static readonly TimeSpan BotDeadline = TimeSpan.FromMinutes(1);

    private static readonly Dictionary<string, string?> QuietNpm = new()
    {
        ["npm_config_update_notifier"] = "false",
        ["npm_config_fund"] = "false",
        ["npm_config_audit"] = "false",
    };

    [Fact]
    public async Task The_node_bot_installed_from_the_tarball_hears_a_message_sent_through_the_service()
    {
        var tarball = await TarballAsync();
        var sample = CopySample();
        try
        {
            (await ExternalProgram.RunAsync("npm", ["install", tarball], sample, InstallDeadline, QuietNpm))
                .EnsureSucceeded("npm install of the tarball");

            var bot = await ExternalProgram.RunAsync("node", ["bot.mjs", fixture.Node.Address.ToString()], sample, BotDeadline);

            Assert.True(bot.ExitCode == 0, $"node bot.mjs exited with {bot.ExitCode}:\n{bot.Printed}");
            Assert.Equal(["received: hello from a node bot"], bot.OutputLines.Where(l => l.StartsWith("received:", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(sample, recursive: true);
        }
    }

    [Fact]
    public async Task The_tarball_carries_the_release_version_types_and_peers_and_none_of_the_sources()
    {
        var files = ReadTarball(await TarballAsync());
        using var manifest = JsonDocument.Parse(files["package/package.json"]);
        var package = manifest.RootElement;
        var entry = package.GetProperty("exports").GetProperty(".");
        var peers = package.GetProperty("peerDependencies");

        Assert.Equal(PackageName, package.GetProperty("name").GetString());
        // The version in the checkout is a placeholder: the packed one is the commit's, by the same rule as the NuGet packages'.
        Assert.Equal(await PackedClientsFixture.ReleaseVersionAsync(), package.GetProperty("version").GetString());
        Assert.Equal("module", package.GetProperty("type").GetString());
        Assert.Equal("./dist/index.d.ts", entry.GetProperty("types").GetString());
        Assert.Equal("./dist/index.js", entry.GetProperty("default").GetString());
        // Peers, never dependencies: the application's own copy of SignalR is the one used, so
        // HubConnection types and the MessagePack protocol it hands over are one and the same.
        Assert.True(peers.TryGetProperty("@microsoft/signalr", out _), "no peer dependency on @microsoft/signalr");
        Assert.True(peers.TryGetProperty("@microsoft/signalr-protocol-msgpack", out _), "no peer dependency on @microsoft/signalr-protocol-msgpack");
        Assert.False(package.TryGetProperty("dependencies", out _), "the package has dependencies of its own");
        Assert.Contains("package/dist/index.js", files.Keys);
        Assert.Contains("package/dist/index.d.ts", files.Keys);
        Assert.Contains("package/dist/chatClient.js", files.Keys);
        Assert.Contains("package/README.md", files.Keys);
        Assert.DoesNotContain(files.Keys, name => name.Contains(".test.", StringComparison.Ordinal) || name.Contains("testMessages", StringComparison.Ordinal));
        Assert.DoesNotContain(files.Keys, name => name.EndsWith(".ts", StringComparison.Ordinal) && !name.EndsWith(".d.ts", StringComparison.Ordinal));
        Assert.DoesNotContain(files.Keys, name => name.Contains("tsconfig", StringComparison.Ordinal));
    }

    /// <summary>The one .tgz that scripts/pack.sh left in npm/.</summary>
    private async Task<string> TarballAsync()
    {
        var folder = Path.Combine(await fixture.PackagesAsync(), "npm");
        return Assert.Single(Directory.GetFiles(folder, "*.tgz"));
    }

    /// <summary>samples/node-bot in a folder of its own, so nothing it installs lands in the checkout.</summary>
    private static string CopySample()
    {
        var source = Path.Combine(Checkout.Root, "samples", "node-bot");
        var copy = Directory.CreateTempSubdirectory("chat-node-bot.").FullName;
        // The files only: a node_modules or lock file left by someone trying the sample in place
        // would hand the copy an install the tarball never made.
        foreach (var file in Directory.GetFiles(source))
        {
            if (Path.GetFileName(file) != "package-lock.json")
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }

        return copy;
    }

    /// <summary>Every file of a gzipped tar, by its path inside it.</summary>
    private static Dictionary<string, byte[]> ReadTarball(string path)
    {
        var files = new Dictionary<string, byte[]>();
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            using var content = new MemoryStream();
            entry.DataStream.CopyTo(content);
            files[entry.Name] = content.ToArray();
        }

        return files;
    }
}
