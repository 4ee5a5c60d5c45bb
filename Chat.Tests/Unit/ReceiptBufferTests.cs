using Chat.Data;
using Chat.Hubs.Receipts;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Chat.Tests.Unit;

/// <summary>The in-memory side of receipts: what moves, what is ignored, what a reader sees before a flush.</summary>
public sealed class ReceiptBufferTests : IDisposable
{
    private static readonly DateTime JoinedAt = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2025, 1, 2, 8, 0, 0, TimeSpan.Zero));

    // Never opened: these tests do not flush, so no database is involved.
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ReceiptBuffer buffer;
    private readonly Guid roomId = Guid.NewGuid();
    private readonly Guid userId = Guid.NewGuid();

    public ReceiptBufferTests()
    {
        buffer = new ReceiptBuffer(
            new ReceiptRepository(dataSource, TestPipelines.For(dataSource)),
            clock,
            Options.Create(new ReceiptOptions { IdleSeconds = 60 }),
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    [Fact]
    public void Pointers_move_forward_only_and_an_equal_or_lower_mark_changes_nothing()
    {
        var stored = Member();

        var first = buffer.MoveForward(stored, deliveredSeq: 5, readSeq: 5, Now);
        var equal = buffer.MoveForward(stored, deliveredSeq: 5, readSeq: 5, Now);
        var lower = buffer.MoveForward(stored, deliveredSeq: 3, readSeq: 2, Now);

        Assert.NotNull(first);
        Assert.Equal((5L, 5L, Now), (first.DeliveredSeq, first.ReadSeq, first.ReadAt!.Value));
        Assert.Null(equal);
        Assert.Null(lower);
        Assert.Equal(5, buffer.Current(stored).ReadSeq);
    }

    [Fact]
    public void Reading_implies_delivery_but_delivery_leaves_the_read_pointer_and_its_time()
    {
        var stored = Member();
        var readAt = Now;

        buffer.MoveForward(stored, deliveredSeq: 4, readSeq: 4, readAt);
        clock.Advance(TimeSpan.FromSeconds(30));
        var delivered = buffer.MoveForward(stored, deliveredSeq: 9, readSeq: 0, Now);

        Assert.NotNull(delivered);
        Assert.Equal(9, delivered.DeliveredSeq);
        Assert.Equal(4, delivered.ReadSeq);
        Assert.Equal(readAt, delivered.ReadAt);
    }

    [Fact]
    public void A_reader_sees_pending_pointers_merged_with_the_stored_row()
    {
        var stored = Member(delivered: 2, read: 1);

        buffer.MoveForward(stored, deliveredSeq: 0, readSeq: 0, Now);
        Assert.Equal((2L, 1L), Pair(buffer.Current(stored)));

        buffer.MoveForward(stored, deliveredSeq: 6, readSeq: 3, Now);
        Assert.Equal((6L, 3L), Pair(buffer.Current(stored)));
        Assert.Equal(1, buffer.PendingCount);
    }

    [Fact]
    public void Pointers_stored_by_another_node_ahead_of_this_one_are_taken_and_not_announced_again()
    {
        buffer.MoveForward(Member(), deliveredSeq: 3, readSeq: 3, Now);
        var aheadAt = Now.AddSeconds(-5);
        var storedByOther = Member(delivered: 8, read: 7, readAt: aheadAt);

        var behind = buffer.MoveForward(storedByOther, deliveredSeq: 6, readSeq: 6, Now);
        var current = buffer.Current(storedByOther);

        Assert.Null(behind);
        Assert.Equal((8L, 7L), Pair(current));
        Assert.Equal(aheadAt, current.ReadAt);
    }

    [Fact]
    public void After_leaving_and_joining_again_the_new_membership_starts_from_its_own_row()
    {
        var old = Member();
        buffer.MoveForward(old, deliveredSeq: 10, readSeq: 10, Now);
        var rejoined = Member(joinedAt: JoinedAt.AddHours(1));

        var fresh = buffer.MoveForward(rejoined, deliveredSeq: 4, readSeq: 4, Now);
        var lateMarkOfOldMembership = buffer.MoveForward(old, deliveredSeq: 12, readSeq: 12, Now);

        Assert.NotNull(fresh);
        Assert.Equal((4L, 4L), Pair(fresh));
        Assert.Null(lateMarkOfOldMembership);
        Assert.Equal((4L, 4L), Pair(buffer.Current(rejoined)));
    }

    [Fact]
    public void Pointers_not_yet_written_survive_an_idle_sweep()
    {
        var stored = Member();
        buffer.MoveForward(stored, deliveredSeq: 5, readSeq: 5, Now);

        clock.Advance(TimeSpan.FromMinutes(10));
        buffer.EvictIdle();

        Assert.Equal((5L, 5L), Pair(buffer.Current(stored)));
        Assert.Equal(1, buffer.PendingCount);
    }

    [Fact]
    public async Task Concurrent_marks_end_at_the_highest_seq()
    {
        var stored = Member();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var seq = 1L; seq <= 1000; seq++)
            {
                buffer.MoveForward(stored, deliveredSeq: seq, readSeq: worker % 2 == 0 ? seq : 0, Now);
            }
        })));

        Assert.Equal((1000L, 1000L), Pair(buffer.Current(stored)));
    }

    public void Dispose()
    {
        services.Dispose();
        dataSource.Dispose();
    }

    private static (long Delivered, long Read) Pair(Chat.Contracts.ReceiptDto receipt) => (receipt.DeliveredSeq, receipt.ReadSeq);

    private RoomMember Member(long delivered = 0, long read = 0, DateTime? readAt = null, DateTime? joinedAt = null) => new()
    {
        RoomId = roomId,
        UserId = userId,
        UserName = "bob",
        DisplayName = "Bob",
        JoinedAt = joinedAt ?? JoinedAt,
        DeliveredSeq = delivered,
        ReadSeq = read,
        ReadAt = readAt,
    };
}
