namespace Chat.Bench.Targets;

/// <summary>Finds the built Chat.Api.dll the bench starts nodes from.</summary>
public static class ApiLocator
{
    private static readonly string ReleaseBuild = Path.Combine("Chat.Api", "bin", "Release", "net10.0", "Chat.Api.dll");

    public static string Find(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return Path.GetFullPath(given);
        }

        // A project that references Chat.Api (the tests) has it next to itself.
        var beside = Path.Combine(AppContext.BaseDirectory, "Chat.Api.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ReleaseBuild);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{ReleaseBuild} not found: run 'dotnet build Chat.sln -c Release' or pass --api");
    }
}
