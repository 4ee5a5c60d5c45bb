using Npgsql;

namespace Chat.Bench.Targets;

/// <summary>
/// A PostgreSQL server on this machine: its postmaster and every process it started (backends,
/// WAL writer, checkpointer). The database shares the cores with the nodes and the bench, so what
/// a stored message costs is only known with its share.
/// </summary>
public sealed class DatabaseProcesses
{
    private readonly int postmasterPid;

    private DatabaseProcesses(int postmasterPid) => this.postmasterPid = postmasterPid;

    /// <summary>
    /// Finds the server behind <paramref name="connectionString"/> through one backend's parent;
    /// null for a server on another machine (no such process here, or a stranger under its number).
    /// </summary>
    public static async Task<DatabaseProcesses?> FindAsync(string connectionString, CancellationToken cancellationToken)
    {
        int backend;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
            backend = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            // Only the report's database column depends on it: a node given with --url may use a
            // database the bench cannot reach, and a bad string fails the nodes' start on its own.
            return null;
        }

        return ProcStat.Read(backend) is { Command: "postgres", ParentPid: var postmaster }
            && ProcStat.Read(postmaster) is { Command: "postgres" }
            ? new DatabaseProcesses(postmaster)
            : null;
    }

    /// <summary>
    /// CPU seconds the server has used: the postmaster, its children now, and those it has reaped
    /// (a backend that ends hands its time to the postmaster's children's count).
    /// </summary>
    public double? CpuSeconds()
    {
        if (ProcStat.Read(postmasterPid) is not { } postmaster)
        {
            return null;
        }

        var total = postmaster.CpuSeconds + postmaster.ReapedChildrenCpuSeconds;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && ProcStat.Read(pid) is { ParentPid: var parent } child && parent == postmasterPid)
            {
                total += child.CpuSeconds;
            }
        }

        return total;
    }
}
