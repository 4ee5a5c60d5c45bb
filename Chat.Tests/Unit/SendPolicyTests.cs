using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>The sender's right to post, as the storing transaction asks it, on room states made up here.</summary>
public sealed class SendPolicyTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly SendRateLimiter limiter;
    private readonly Guid roomId = Guid.NewGuid();
    private readonly Guid userId = Guid.NewGuid();

    public SendPolicyTests() =>
        limiter = new SendRateLimiter(TestBudgets.Create(clock), clock, TestMetrics.Create());

    [Fact]
    public void A_message_asked_about_twice_takes_its_slow_mode_slot_once_and_the_next_message_waits()
    {
        var state = State(RoomRole.Member, slowModeSeconds: 30);
        var first = Policy(MessageType.Text);

        first.EnsureAllowed(state);
        first.EnsureAllowed(state);
        var next = Assert.Throws<ChatException>(() => Policy(MessageType.Text).EnsureAllowed(state));

        Assert.Equal(ErrorCodes.RateLimited, next.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), next.RetryAfter);
    }

    [Fact]
    public void Banned_outsiders_muted_members_and_guests_with_files_are_each_told_why()
    {
        Assert.Equal(ErrorCodes.Banned, Refusal(State(RoomRole.Member) with { Banned = true }, MessageType.Text));
        Assert.Equal(ErrorCodes.Forbidden, Refusal(State(RoomRole.Member) with { Member = null }, MessageType.Text));
        var muted = State(RoomRole.Member);
        muted = muted with { Member = muted.Member! with { MutedUntil = clock.GetUtcNow().UtcDateTime.AddMinutes(5) } };
        Assert.Equal(ErrorCodes.Muted, Refusal(muted, MessageType.Text));
        Assert.Equal(ErrorCodes.Forbidden, Refusal(State(RoomRole.Guest), MessageType.File));
        Assert.Equal(ErrorCodes.Forbidden, Refusal(State(RoomRole.Member), MessageType.System));

        Policy(MessageType.System).EnsureAllowed(State(RoomRole.Admin));
        Policy(MessageType.Image).EnsureAllowed(State(RoomRole.Member));
    }

    [Fact]
    public void A_mute_that_has_run_out_no_longer_refuses()
    {
        var state = State(RoomRole.Member);
        state = state with { Member = state.Member! with { MutedUntil = clock.GetUtcNow().UtcDateTime.AddSeconds(10) } };
        Assert.Equal(ErrorCodes.Muted, Refusal(state, MessageType.Text));

        clock.Advance(TimeSpan.FromSeconds(11));

        Policy(MessageType.Text).EnsureAllowed(state);
    }

    private SendPolicy Policy(MessageType type) =>
        new(new Caller(userId, GlobalRole.User), type, clock, limiter);

    private string Refusal(UserRoomState state, MessageType type) =>
        Assert.Throws<ChatException>(() => Policy(type).EnsureAllowed(state)).Code;

    private UserRoomState State(RoomRole role, int slowModeSeconds = 0) => new()
    {
        Id = roomId,
        Settings = RoomSettings.Default with { SlowModeSeconds = slowModeSeconds },
        Member = new RoomMember { RoomId = roomId, UserId = userId, Role = role },
    };
}
