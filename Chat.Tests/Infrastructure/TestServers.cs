using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and Redis that scripts/test.sh starts. A missing server is a failure with
/// a clear message, never a skip.
/// </summary>
public static class TestServers
{
    public static string Postgres => Require("CHAT_TEST_POSTGRES", "a PostgreSQL connection string to an admin database");

    public static string Redis => Require("CHAT_TEST_REDIS", "a Redis host:port");

    /// <summary>One signing key per test run, shared by every node so tokens work on all of them.</summary>
    public static string SigningKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"chat_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(Postgres))
        {
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"create database {name}", admin);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
        await command.ExecuteNonQueryAsync();
    }

    private static string Require(string variable, string what) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: it must hold {what}. Run the tests with scripts/test.sh, which starts the servers.");
}
