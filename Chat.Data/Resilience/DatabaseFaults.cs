using System.Net.Sockets;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Chat.Data.Resilience;

/// <summary>
/// Which database failures pass and which mean the database is out of reach: what
/// <see cref="DatabasePipeline"/> retries, when it clears the connection pools, what its circuit
/// breaker counts, and what both doors answer with <c>unavailable</c>.
/// </summary>
public static class DatabaseFaults
{
    // The server ended the session: pg_terminate_backend or a fast shutdown (57P01), a crash of
    // another backend (57P02), or a server still starting or already stopping (57P03).
    private static readonly HashSet<string> SessionEnded =
    [
        PostgresErrorCodes.AdminShutdown,
        PostgresErrorCodes.CrashShutdown,
        PostgresErrorCodes.CannotConnectNow,
    ];

    /// <summary>
    /// The call failed for a reason that may be gone a moment later, so trying it again (on
    /// another connection) can succeed: a broken connection, a session the server ended,
    /// PostgreSQL's transient states (<see cref="NpgsqlException.IsTransient"/>) and class 08.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || IsConnectionClass(postgres) || SessionEnded.Contains(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || BrokeTheSocket(npgsql),
        _ => false,
    };

    /// <summary>
    /// The connection the call ran on is dead, and so, most likely, is every other connection
    /// the pools keep idle: the server restarted or ended its sessions. Nothing checks an idle
    /// connection before handing it out, so without clearing the pools each one would fail its
    /// next call in turn.
    /// </summary>
    public static bool LostTheServer(Exception exception) => exception switch
    {
        PostgresException postgres => IsConnectionClass(postgres) || SessionEnded.Contains(postgres.SqlState),
        NpgsqlException npgsql => BrokeTheSocket(npgsql),
        _ => false,
    };

    /// <summary>
    /// The database is out of reach rather than refusing one statement: what the circuit breaker
    /// counts. Besides the connection failures above, any error PostgreSQL reports as FATAL (it
    /// closes the session: connections not accepted, too many, the database gone) and calls that
    /// outran the time budget.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        TimeoutRejectedException => true,
        PostgresException postgres => LostTheServer(postgres) || postgres.InvariantSeverity is "FATAL" or "PANIC",
        NpgsqlException npgsql => npgsql.IsTransient || BrokeTheSocket(npgsql),
        _ => false,
    };

    /// <summary>
    /// The failure means storage is unavailable, which both doors answer with <c>unavailable</c>
    /// (503): PostgreSQL failed, the circuit is open, or the call ran out of time.
    /// </summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException or BrokenCircuitException or TimeoutRejectedException;

    private static bool IsConnectionClass(PostgresException postgres) =>
        postgres.SqlState.StartsWith("08", StringComparison.Ordinal);

    // Npgsql wraps a failed read or write on the socket (a reset, an end of stream) in an
    // NpgsqlException whose inner exception says so.
    private static bool BrokeTheSocket(NpgsqlException npgsql) =>
        npgsql.InnerException is IOException or SocketException;
}
