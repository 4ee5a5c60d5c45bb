using Chat.Tests.Infrastructure;

namespace Chat.Tests.Packages;

/// <summary>
/// A node for the sample consumers to talk to, and the client packages as a release makes them:
/// packed once per test run by <c>scripts/pack.sh</c>, or taken from <c>CHAT_PACKAGES_DIR</c>
/// when the test command packed them already.
/// </summary>
public sealed class PackedClientsFixture() : NodeFixture()
{
    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    /// <summary>The folder with <c>nuget/</c> and <c>npm/</c> in it.</summary>
    public Task<string> PackagesAsync() => Packed.Value;

    /// <summary>
    /// This checkout's version as scripts/lib/version.sh computes it for the packs, by the rule of
    /// build/Versioning.targets.
    /// </summary>
    public static async Task<string> ReleaseVersionAsync()
    {
        var run = (await ExternalProgram.RunAsync(
            "bash", ["-c", "source scripts/lib/version.sh && release_version"], Checkout.Root, TimeSpan.FromSeconds(30)))
            .EnsureSucceeded("release_version");
        return run.Output.Trim();
    }

    private static async Task<string> PackAsync()
    {
        if (Environment.GetEnvironmentVariable("CHAT_PACKAGES_DIR") is { Length: > 0 } packed && Directory.Exists(packed))
        {
            return packed;
        }

        var folder = Directory.CreateTempSubdirectory("chat-packages.").FullName;
        (await ExternalProgram.RunAsync(
            "bash", [Path.Combine(Checkout.Root, "scripts", "pack.sh"), folder], Checkout.Root, TimeSpan.FromMinutes(6)))
            .EnsureSucceeded("scripts/pack.sh");
        return folder;
    }
}
