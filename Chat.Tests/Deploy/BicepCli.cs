using System.Diagnostics;
using System.Reflection;

namespace Chat.Tests.Deploy;

/// <summary>
/// The Bicep CLI that the Azure.Bicep.CommandLine.linux-x64 package puts in the NuGet cache, run as
/// a process on the templates in deploy/azure.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>deploy/azure of this checkout.</summary>
    public static string TemplateDirectory { get; } = Path.Combine(Metadata("RepositoryRoot"), "deploy", "azure");

    /// <summary>
    /// Runs <c>bicep</c> with <paramref name="arguments"/> in <see cref="TemplateDirectory"/>.
    /// <paramref name="environment"/> sets variables (a null value removes one), for the parameters
    /// file's <c>readEnvironmentVariable</c>.
    /// </summary>
    public static async Task<BicepResult> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = TemplateDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', start.ArgumentList)} did not finish within {Deadline}");
        }

        return new BicepResult(process.ExitCode, await output, await errors);
    }

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

/// <summary>What one run of the Bicep CLI printed and how it ended.</summary>
public sealed record BicepResult(int ExitCode, string Output, string Errors)
{
    /// <summary>Everything it printed: warnings and errors go to standard error, `--stdout` output to standard output.</summary>
    public string Printed => (Output + Errors).Trim();
}
