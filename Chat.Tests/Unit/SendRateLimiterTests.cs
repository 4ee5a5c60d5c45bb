using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>The send limits on a fake clock: the burst, the refill, the refund and slow mode.</summary>
public sealed class SendRateLimiterTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly SendRateLimiter limiter;
    private readonly Guid userId = Guid.NewGuid();

    public SendRateLimiterTests() =>
        limiter = new SendRateLimiter(Options.Create(new RateLimitOptions()), clock, TestMetrics.Create());

    [Fact]
    public void Thirty_sends_at_once_pass_and_the_thirty_first_is_told_to_wait_a_third_of_a_second()
    {
        for (var i = 0; i < 30; i++)
        {
            limiter.TakeToken(userId);
        }

        var refused = Assert.Throws<ChatException>(() => limiter.TakeToken(userId));

        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(334), refused.RetryAfter);
        Assert.EndsWith("retryAfterMs=334", refused.WireMessage);
    }

    [Fact]
    public void A_send_passes_again_once_the_wait_it_was_told_is_over()
    {
        for (var i = 0; i < 30; i++)
        {
            limiter.TakeToken(userId);
        }

        var refused = Assert.Throws<ChatException>(() => limiter.TakeToken(userId));
        clock.Advance(refused.RetryAfter!.Value);

        limiter.TakeToken(userId);
        Assert.Throws<ChatException>(() => limiter.TakeToken(userId));
    }

    [Fact]
    public void Forgetting_idle_users_when_many_start_sending_keeps_the_limit_of_a_busy_one()
    {
        for (var i = 0; i < 30; i++)
        {
            limiter.TakeToken(userId);
        }

        // Past the number of users the limiter keeps before it prunes the idle ones.
        for (var i = 0; i < 10_001; i++)
        {
            limiter.TakeToken(Guid.NewGuid());
        }

        Assert.Equal(ErrorCodes.RateLimited, Assert.Throws<ChatException>(() => limiter.TakeToken(userId)).Code);
    }

    [Fact]
    public void A_steady_sender_gets_thirty_messages_per_ten_seconds()
    {
        for (var i = 0; i < 30; i++)
        {
            limiter.TakeToken(userId);
        }

        var passed = 0;
        for (var step = 0; step < 100; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            if (Record.Exception(() => limiter.TakeToken(userId)) is null)
            {
                passed++;
            }
        }

        Assert.InRange(passed, 29, 30);
    }

    [Fact]
    public void A_refunded_token_can_be_spent_again_and_users_do_not_share_a_bucket()
    {
        for (var i = 0; i < 30; i++)
        {
            limiter.TakeToken(userId);
        }

        limiter.RefundToken(userId);
        limiter.TakeToken(userId);
        limiter.TakeToken(Guid.NewGuid());

        Assert.Throws<ChatException>(() => limiter.TakeToken(userId));
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
