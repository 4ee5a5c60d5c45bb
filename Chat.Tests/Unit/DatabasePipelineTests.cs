using System.Net.Sockets;
using Chat.Data.Resilience;
using Chat.Tests.Infrastructure;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Chat.Tests.Unit;

/// <summary>The database pipeline around calls that fail as made up here: what is tried again, and when it stops trying.</summary>
public sealed class DatabasePipelineTests : IAsyncDisposable
{
    // Never opened: the pipeline only clears its pool.
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");

    [Fact]
    public async Task A_call_that_finds_its_session_ended_is_tried_again_and_answers()
    {
        var pipeline = TestPipelines.For(dataSource, Quick());
        var tries = 0;

        var answer = await pipeline.ExecuteAsync(
            _ => ++tries == 1 ? throw new PostgresException("terminating connection", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown) : ValueTask.FromResult(42),
            CancellationToken.None);

        Assert.Equal((42, 2), (answer, tries));
    }

    [Fact]
    public async Task A_refusal_of_the_statement_itself_is_not_tried_again()
    {
        var pipeline = TestPipelines.For(dataSource, Quick());
        var tries = 0;

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => pipeline.ExecuteAsync<int>(
            _ =>
            {
                tries++;
                throw new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
            },
            CancellationToken.None).AsTask());

        Assert.Equal((PostgresErrorCodes.UniqueViolation, 1), (refusal.SqlState, tries));
    }

    [Fact]
    public async Task A_database_that_stays_out_of_reach_opens_the_circuit_and_later_calls_fail_without_trying()
    {
        var pipeline = TestPipelines.For(dataSource, Quick(minimumThroughput: 4));
        var tries = 0;
        ValueTask<int> Refused(CancellationToken token)
        {
            tries++;
            throw new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        }

        for (var call = 0; call < 4; call++)
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => pipeline.ExecuteAsync(Refused, CancellationToken.None).AsTask());
        }

        Assert.Equal(4 * 3, tries);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => pipeline.ExecuteAsync(Refused, CancellationToken.None).AsTask());
        Assert.Equal(4 * 3, tries);
    }

    [Fact]
    public async Task A_call_that_outlasts_its_budget_is_cancelled_and_fails_as_unavailable()
    {
        var pipeline = TestPipelines.For(dataSource, Quick(timeoutMilliseconds: 200));

        var timeout = await Assert.ThrowsAsync<TimeoutRejectedException>(() => pipeline.ExecuteAsync(
            async token =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return 0;
            },
            CancellationToken.None).AsTask());

        Assert.True(DatabaseFaults.IsUnavailable(timeout));
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    // Retries without a noticeable wait, so the tests take no time.
    private static DatabaseResilienceOptions Quick(int minimumThroughput = 10, int timeoutMilliseconds = 3_000) => new()
    {
        RetryDelayMilliseconds = 1,
        MinimumThroughput = minimumThroughput,
        TimeoutMilliseconds = timeoutMilliseconds,
    };
}
