using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deploy;

/// <summary>deploy/azure/main.bicep compiled once, into a temporary folder, for the tests of one class.</summary>
public sealed class AzureTemplateFixture : IAsyncLifetime
{
    private readonly string outputDirectory = Directory.CreateTempSubdirectory("chat-bicep-").FullName;

    /// <summary>How `bicep build` ended and what it printed.</summary>
    public ProgramRun Build { get; private set; } = null!;

    public CompiledTemplate Template { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync(["build", "main.bicep", "--outdir", outputDirectory]);
        var compiled = Path.Combine(outputDirectory, "main.json");
        Assert.True(Build.ExitCode == 0 && File.Exists(compiled), $"bicep build failed ({Build.ExitCode}): {Build.Printed}");
        Template = CompiledTemplate.Parse(await File.ReadAllTextAsync(compiled));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(outputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
