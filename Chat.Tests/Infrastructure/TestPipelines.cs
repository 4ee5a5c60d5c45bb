using Chat.Data.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>The database pipeline with its default settings, for tests that build a repository or the writer by hand.</summary>
public static class TestPipelines
{
    /// <summary>A pipeline of its own (its own circuit) that clears <paramref name="dataSource"/>'s pool when the server is gone.</summary>
    public static DatabasePipeline For(NpgsqlDataSource dataSource, DatabaseResilienceOptions? options = null) =>
        new([dataSource], options ?? new DatabaseResilienceOptions(), TestMetrics.Create(), NullLogger<DatabasePipeline>.Instance);
}
