using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>The send limits on a fake clock: the burst, the refill, the refund and slow mode.</summary>
public sealed class SendRateLimiterTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly SendRateLimiter limiter;
    private readonly Guid userId = Guid.NewGuid();

    public SendRateLimiterTests() =>
        limiter = new SendRateLimiter(TestBudgets.Create(clock), clock, TestMetrics.Create());

    [Fact]
    public async Task Thirty_sends_at_once_pass_and_the_thirty_first_is_told_to_wait_a_third_of_a_second()
    {
        for (var i = 0; i < 30; i++)
        {
            await limiter.TakeTokenAsync(userId);
        }

        var refused = await Assert.ThrowsAsync<ChatException>(async () => await limiter.TakeTokenAsync(userId));

        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(334), refused.RetryAfter);
        Assert.EndsWith("retryAfterMs=334", refused.WireMessage);
    }

    [Fact]
    public async Task A_send_passes_again_once_the_wait_it_was_told_is_over()
    {
        for (var i = 0; i < 30; i++)
        {
            await limiter.TakeTokenAsync(userId);
        }

        var refused = await Assert.ThrowsAsync<ChatException>(async () => await limiter.TakeTokenAsync(userId));
        clock.Advance(refused.RetryAfter!.Value);

        await limiter.TakeTokenAsync(userId);
        await Assert.ThrowsAsync<ChatException>(async () => await limiter.TakeTokenAsync(userId));
    }

    [Fact]
    public async Task Forgetting_idle_users_when_many_start_sending_keeps_the_limit_of_a_busy_one()
    {
        for (var i = 0; i < 30; i++)
        {
            await limiter.TakeTokenAsync(userId);
        }

        // Past the number of users the limiter keeps before it prunes the idle ones.
        for (var i = 0; i < 10_001; i++)
        {
            await limiter.TakeTokenAsync(Guid.NewGuid());
        }

        Assert.Equal(ErrorCodes.RateLimited, (await Assert.ThrowsAsync<ChatException>(async () => await limiter.TakeTokenAsync(userId))).Code);
    }

    [Fact]
    public async Task A_steady_sender_gets_thirty_messages_per_ten_seconds()
    {
        for (var i = 0; i < 30; i++)
        {
            await limiter.TakeTokenAsync(userId);
        }

        var passed = 0;
        for (var step = 0; step < 100; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            if (await Record.ExceptionAsync(async () => await limiter.TakeTokenAsync(userId)) is null)
            {
                passed++;
            }
        }

        Assert.InRange(passed, 29, 30);
    }

    [Fact]
    public async Task A_refunded_token_can_be_spent_again_and_users_do_not_share_a_bucket()
    {
        for (var i = 0; i < 30; i++)
        {
            await limiter.TakeTokenAsync(userId);
        }

        await limiter.RefundTokenAsync(userId);
        await limiter.TakeTokenAsync(userId);
        await limiter.TakeTokenAsync(Guid.NewGuid());

        await Assert.ThrowsAsync<ChatException>(async () => await limiter.TakeTokenAsync(userId));
    }

    [Fact]
    public void Slow_mode_lets_a_member_send_once_per_period_and_exempts_moderators()
    {
        var roomId = Guid.NewGuid();
        var settings = new RoomSettings(SlowModeSeconds: 5);
        var member = new RoomMember { RoomId = roomId, UserId = userId, Role = RoomRole.Member };
        var moderator = new RoomMember { RoomId = roomId, UserId = Guid.NewGuid(), Role = RoomRole.Moderator };

        limiter.EnterSlowMode(userId, GlobalRole.User, member, settings);
        clock.Advance(TimeSpan.FromSeconds(2));
        var refused = Assert.Throws<ChatException>(() => limiter.EnterSlowMode(userId, GlobalRole.User, member, settings));
        limiter.EnterSlowMode(moderator.UserId, GlobalRole.User, moderator, settings);
        limiter.EnterSlowMode(moderator.UserId, GlobalRole.User, moderator, settings);
        limiter.EnterSlowMode(userId, GlobalRole.User, member with { RoomId = Guid.NewGuid() }, settings);

        Assert.Equal((ErrorCodes.RateLimited, (TimeSpan?)TimeSpan.FromSeconds(3)), (refused.Code, refused.RetryAfter));
        clock.Advance(TimeSpan.FromSeconds(3));
        limiter.EnterSlowMode(userId, GlobalRole.User, member, settings);
    }
}
