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

    /// <summary>
    /// Ends every session on database <paramref name="name"/> from an admin connection, as a
    /// restart of the server would end them; returns how many there were. The server itself, and
    /// every other test class's database on it, carry on.
    /// </summary>
    public static async Task<int> EndSessionsAsync(string name)
    {
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*)::int from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) ended",
            admin);
        command.Parameters.AddWithValue(name);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many sessions database <paramref name="name"/> has open now.</summary>
    public static async Task<int> SessionCountAsync(string name)
    {
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*)::int from pg_stat_activity where datname = $1", admin);
        command.Parameters.AddWithValue(name);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Takes database <paramref name="name"/> out of reach (no new sessions, the open ones ended)
    /// or, with <paramref name="reachable"/>, brings it back: an outage of one database that
    /// leaves the shared server running.
    /// </summary>
    public static async Task SetReachableAsync(string name, bool reachable)
    {
        await using (var admin = new NpgsqlConnection(Postgres))
        {
            await admin.OpenAsync();
            // A name cannot be a parameter here; it is one of CreateDatabaseAsync's own.
            await using var command = new NpgsqlCommand($"alter database {name} allow_connections {(reachable ? "true" : "false")}", admin);
            await command.ExecuteNonQueryAsync();
        }

        if (!reachable)
        {
            await EndSessionsAsync(name);
        }
    }

    private static string Require(string variable, string what) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: it must hold {what}. Run the tests with scripts/test.sh, which starts the servers.");
}
