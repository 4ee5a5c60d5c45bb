using System.Reflection;

namespace Chat.Tests.Infrastructure;

/// <summary>The checkout the tests were built from, for tests that read or run its files.</summary>
public static class Checkout
{
    /// <summary>The repository's root, written into the test assembly by Chat.Tests.csproj.</summary>
    public static string Root { get; } =
        typeof(Checkout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RepositoryRoot")?.Value
        ?? throw new InvalidOperationException("The test assembly has no 'RepositoryRoot' metadata: see Chat.Tests.csproj");
}
