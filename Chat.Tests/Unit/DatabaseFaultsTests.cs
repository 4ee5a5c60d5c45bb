using System.Net.Sockets;
using Chat.Data.Resilience;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Chat.Tests.Unit;

/// <summary>Which database failures are tried again, clear the pools, count towards the circuit, and answer unavailable.</summary>
public sealed class DatabaseFaultsTests
{
    [Theory]
    // The server ended the session (a restart, pg_terminate_backend), is starting or stopping, or the connection broke.
    [InlineData("57P01 admin shutdown", true, true, true, true)]
    [InlineData("57P02 crash shutdown", true, true, true, true)]
    [InlineData("57P03 cannot connect now", true, true, true, true)]
    [InlineData("08006 connection failure", true, true, true, true)]
    [InlineData("socket reset", true, true, true, true)]
    [InlineData("connection refused", true, true, true, true)]
    // Out of reach without a dead pool: the database refuses new sessions, or nothing answered in time.
    [InlineData("55000 not accepting connections", true, false, true, true)]
    [InlineData("Npgsql timeout", true, false, true, true)]
    [InlineData("budget spent", false, false, true, true)]
    // One statement's trouble, not the database's.
    [InlineData("40001 serialization failure", true, false, false, true)]
    [InlineData("23505 unique violation", false, false, false, true)]
    // Refused by the open circuit: never tried again, and no new failure of the database.
    [InlineData("circuit open", false, false, false, true)]
    [InlineData("not storage", false, false, false, false)]
    public void Each_failure_is_classified_by_what_it_says_about_the_database(
        string failure, bool transient, bool lostTheServer, bool outage, bool unavailable)
    {
        var exception = Failure(failure);

        Assert.Equal(
            (transient, lostTheServer, outage, unavailable),
            (DatabaseFaults.IsTransient(exception), DatabaseFaults.LostTheServer(exception), DatabaseFaults.IsOutage(exception), DatabaseFaults.IsUnavailable(exception)));
    }

    private static Exception Failure(string failure) => failure switch
    {
        "57P01 admin shutdown" => Fatal(PostgresErrorCodes.AdminShutdown),
        "57P02 crash shutdown" => Fatal(PostgresErrorCodes.CrashShutdown),
        "57P03 cannot connect now" => Fatal(PostgresErrorCodes.CannotConnectNow),
        "08006 connection failure" => Fatal(PostgresErrorCodes.ConnectionFailure),
        "socket reset" => new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        "connection refused" => new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)),
        "55000 not accepting connections" => Fatal(PostgresErrorCodes.ObjectNotInPrerequisiteState),
        "Npgsql timeout" => new NpgsqlException("The connection pool has been exhausted", new TimeoutException()),
        "budget spent" => new TimeoutRejectedException(),
        "40001 serialization failure" => Error(PostgresErrorCodes.SerializationFailure),
        "23505 unique violation" => Error(PostgresErrorCodes.UniqueViolation),
        "circuit open" => new BrokenCircuitException(),
        "not storage" => new InvalidOperationException(),
        _ => throw new ArgumentOutOfRangeException(nameof(failure)),
    };

    private static PostgresException Fatal(string sqlState) => new("ended", "FATAL", "FATAL", sqlState);

    private static PostgresException Error(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);
}
