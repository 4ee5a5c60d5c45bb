using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Packages;

/// <summary>
/// The NuGet packages as another team's .NET 8 service gets them: samples/dotnet-service installs
/// Chat.Client by version from the packs folder, runs on the .NET 8 runtime and passes a message
/// through a real node; and the packages' own contents, which are all an installer ever sees.
/// </summary>
public sealed class DotnetServiceSampleTests(PackedClientsFixture fixture) : IClassFixture<PackedClientsFixture>
{
    private const string MessagePackRange = "[2.5.307, 3.0.0)";

    // A cold restore downloads the .NET 8 runtime pack and SignalR's packages from the feed.
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(5);

    // The sample gives up by itself after 30 s; this only stops one that hangs on the way out.
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(1);

    private static readonly string Sample = Path.Combine(Checkout.Root, "samples", "dotnet-service");

    [Fact]
    public async Task A_dotnet_8_service_installs_the_packages_by_version_and_receives_a_message_through_the_service()
    {
        var feed = await FeedAsync();
        var version = PackageVersion(feed, "Chat.Client");
        var scratch = Directory.CreateTempSubdirectory("chat-dotnet-service.").FullName;
        try
        {
            var output = Path.Combine(scratch, "out");
            var environment = new Dictionary<string, string?>
            {
                ["CHAT_NUGET_FEED"] = feed,
                // A packages folder of its own: the machine's may hold an older pack of this same
                // version (a commit packed before and after a change), which restore would not replace.
                ["NUGET_PACKAGES"] = Path.Combine(scratch, "packages"),
            };
            // Self-contained: the machine has no .NET 8 runtime, so the one from the runtime pack
            // travels with the program, and it can run on nothing newer. No build servers: left
            // running, they would hold the output this waits to read to its end.
            (await ExternalProgram.RunAsync(
                "dotnet",
                [
                    "publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", output,
                    $"-p:ChatClientVersion={version}", "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                ],
                Sample,
                PublishDeadline,
                environment)).EnsureSucceeded("dotnet publish samples/dotnet-service");

            var run = await ExternalProgram.RunAsync(Path.Combine(output, "dotnet-service"), [fixture.Node.Address.ToString()], scratch, RunDeadline);

            Assert.True(run.ExitCode == 0, $"dotnet-service exited with {run.ExitCode}:\n{run.Printed}");
            var received = Assert.Single(run.OutputLines, l => l.StartsWith("received:", StringComparison.Ordinal));
            Assert.StartsWith("received: hello from a .NET 8 service (runtime 8.", received, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task Both_packages_hold_net8_and_net10_builds_with_docs_readme_and_symbols_and_keep_messagepack_below_3()
    {
        var feed = await FeedAsync();
        var expected = await PackedClientsFixture.ReleaseVersionAsync();

        foreach (var id in new[] { "Chat.Contracts", "Chat.Client" })
        {
            var version = PackageVersion(feed, id);
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            var metadata = Metadata(package, id);
            var entries = package.Entries.Select(e => e.FullName).ToHashSet();

            // The SDK's default when nothing sets one: a package that says 1.0.0 was not versioned from git.
            Assert.NotEqual("1.0.0", version);
            Assert.Equal(expected, version);
            Assert.Equal(version, Element(metadata, "version").Value);
            foreach (var framework in new[] { "net8.0", "net10.0" })
            {
                Assert.Contains($"lib/{framework}/{id}.dll", entries);
                // The IntelliSense of whoever installs it.
                Assert.Contains($"lib/{framework}/{id}.xml", entries);
            }

            Assert.Equal("README.md", Element(metadata, "readme").Value);
            Assert.Contains("README.md", entries);
            Assert.Equal("MIT", Element(metadata, "license").Value);
            // Every framework's dependencies carry the range, so NuGet keeps a consumer below 3.0,
            // where SignalR's MessagePack protocol breaks.
            var groups = Element(metadata, "dependencies").Elements().ToList();
            Assert.Equal(["net10.0", "net8.0"], groups.Select(g => (string?)g.Attribute("targetFramework")).Order());
            Assert.All(groups, group => Assert.Equal(
                MessagePackRange,
                (string?)group.Elements().Single(d => (string?)d.Attribute("id") == "MessagePack").Attribute("version")));

            using var symbols = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.snupkg"));
            Assert.Contains($"lib/net8.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
            Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
        }

        // Chat.Client's page on the feed is its own README, and it asks for the Chat.Contracts of its own release.
        var clientVersion = PackageVersion(feed, "Chat.Client");
        using var client = ZipFile.OpenRead(Path.Combine(feed, $"Chat.Client.{clientVersion}.nupkg"));
        using var readme = new StreamReader(client.GetEntry("README.md")!.Open());
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "Chat.Client", "README.md")),
            await readme.ReadToEndAsync());
        Assert.All(
            Element(Metadata(client, "Chat.Client"), "dependencies").Elements(),
            group => Assert.Equal(
                clientVersion,
                (string?)group.Elements().Single(d => (string?)d.Attribute("id") == "Chat.Contracts").Attribute("version")));
    }

    private async Task<string> FeedAsync() => Path.Combine(await fixture.PackagesAsync(), "nuget");

    /// <summary>The version in the name of the one <paramref name="id"/>.VERSION.nupkg that scripts/pack.sh left in the feed.</summary>
    private static string PackageVersion(string feed, string id)
    {
        var versions = Directory.GetFiles(feed, $"{id}.*.nupkg")
            .Select(path => Regex.Match(Path.GetFileName(path), $@"^{Regex.Escape(id)}\.(\d+\.\d+\.\d+.*)\.nupkg$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value);
        return Assert.Single(versions);
    }

    /// <summary>The nuspec's metadata element.</summary>
    private static XElement Metadata(ZipArchive package, string id)
    {
        using var nuspec = package.GetEntry($"{id}.nuspec")!.Open();
        return Element(XDocument.Load(nuspec).Root!, "metadata");
    }

    // The nuspec's namespace changes with the features it uses: elements are matched by name alone.
    private static XElement Element(XElement parent, string name) => parent.Elements().Single(e => e.Name.LocalName == name);
}
