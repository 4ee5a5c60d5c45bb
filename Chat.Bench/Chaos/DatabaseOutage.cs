using System.Diagnostics;
using Npgsql;

namespace Chat.Bench.Chaos;

/// <summary>How a chaos run takes PostgreSQL away from the nodes, and gives it back.</summary>
public interface IDatabaseOutage
{
    /// <summary>What the report says this fault did.</summary>
    string Description { get; }

    Task BeginAsync(CancellationToken cancellationToken);

    /// <summary>Returns once the database takes connections again.</summary>
    Task EndAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A real restart: <c>CMD stop</c> and <c>CMD start</c> of the PostgreSQL cluster that
/// scripts/chaos.sh started for the run (PostgreSQL runs as the postgres user, which the script
/// knows how to become; the bench only runs the command).
/// </summary>
public sealed class ClusterRestart(string command) : IDatabaseOutage
{
    public string Description => "cluster stopped (immediate) and started again";

    public Task BeginAsync(CancellationToken cancellationToken) => RunAsync("stop", cancellationToken);

    public Task EndAsync(CancellationToken cancellationToken) => RunAsync("start", cancellationToken);

    private async Task RunAsync(string verb, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"{command} {verb}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {verb}' exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}

/// <summary>
/// The nodes' database closed to them while the server stays up, for runs that share a server
/// (the tests): no new connections to it are allowed, and every one it has is terminated, as a
/// restart would; then it is opened again. Needs a role that may alter the database.
/// </summary>
public sealed class DatabaseLockout(string connectionString) : IDatabaseOutage
{
    private readonly string database = new NpgsqlConnectionStringBuilder(connectionString).Database
        ?? throw new ArgumentException("the connection string names no database", nameof(connectionString));

    // Another database of the same server to give orders from: one cannot stay connected to a
    // database while closing it to everyone.
    private readonly string admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    public string Description => "database closed to connections and its backends terminated, then opened again";

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync($"alter database \"{database}\" allow_connections false", cancellationToken);
        await ExecuteAsync("select pg_terminate_backend(pid) from pg_stat_activity where datname = @database and pid <> pg_backend_pid()", cancellationToken);
    }

    public Task EndAsync(CancellationToken cancellationToken) =>
        ExecuteAsync($"alter database \"{database}\" allow_connections true", cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("@database", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("database", database);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
