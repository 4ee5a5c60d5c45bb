using System.Reflection;

using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deploy;

/// <summary>
/// The Bicep CLI that the Azure.Bicep.CommandLine.linux-x64 package puts in the NuGet cache, run as
/// a process on the templates in deploy/azure.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>deploy/azure of this checkout.</summary>
    public static string TemplateDirectory { get; } = Path.Combine(Checkout.Root, "deploy", "azure");

    /// <summary>
    /// Runs <c>bicep</c> with <paramref name="arguments"/> in <see cref="TemplateDirectory"/>.
    /// <paramref name="environment"/> sets variables (a null value removes one), for the parameters
    /// file's <c>readEnvironmentVariable</c>.
    /// </summary>
    public static Task<ProgramRun> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        ExternalProgram.RunAsync(Executable(), arguments, TemplateDirectory, Deadline, environment);

    private static string Executable()
    {
        var path = Metadata("BicepPath");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The Bicep CLI is not in the NuGet cache: restore Chat.Tests", path);
        }

        // The package ships the Linux build only, so the tests run on Linux.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The deploy tests run the linux-x64 Bicep CLI: run them on Linux");
        }

        // Extracting a package does not always keep the executable bit.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    // Written by Chat.Tests.csproj at build time (AssemblyMetadata items).
    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata: see Chat.Tests.csproj");
}
