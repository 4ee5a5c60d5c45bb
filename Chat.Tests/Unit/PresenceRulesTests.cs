using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Chat.Hubs.Presence;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

public sealed class PresenceRulesTests
{
    private static readonly Guid Bob = Guid.NewGuid();
    private static readonly DateTime Earlier = new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private static readonly DateTime Now = new(2025, 6, 7, 8, 9, 10, DateTimeKind.Utc);

    [Fact]
    public void The_first_connection_brings_an_offline_user_online_keeping_when_he_was_last_seen()
    {
        var change = PresenceRules.Settle(Bob, PresenceStatus.Offline, Earlier, liveConnections: 1, Now);

        Assert.Equal(new PresenceChangedEvent(Bob, PresenceStatus.Online, Earlier), change);
    }

    [Theory]
    [InlineData(PresenceStatus.Online)]
    [InlineData(PresenceStatus.Idle)]
    [InlineData(PresenceStatus.Away)]
    [InlineData(PresenceStatus.Dnd)]
    public void More_connections_leave_a_present_users_status_alone(PresenceStatus status)
    {
        Assert.Null(PresenceRules.Settle(Bob, status, Earlier, liveConnections: 1, Now));
        Assert.Null(PresenceRules.Settle(Bob, status, Earlier, liveConnections: 3, Now));
    }

    [Theory]
    [InlineData(PresenceStatus.Online)]
    [InlineData(PresenceStatus.Dnd)]
    public void The_last_connection_closing_makes_the_user_offline_last_seen_now(PresenceStatus status)
    {
        var change = PresenceRules.Settle(Bob, status, Earlier, liveConnections: 0, Now);

        Assert.Equal(new PresenceChangedEvent(Bob, PresenceStatus.Offline, Now), change);
    }

    [Fact]
    public void An_offline_user_without_connections_stays_as_he_is()
    {
        Assert.Null(PresenceRules.Settle(Bob, PresenceStatus.Offline, Earlier, liveConnections: 0, Now));
    }

    [Fact]
    public void Choosing_the_status_one_has_changes_nothing_and_another_one_changes_it()
    {
        Assert.Null(PresenceRules.Choose(Bob, PresenceStatus.Dnd, Earlier, PresenceStatus.Dnd));
        Assert.Equal(new PresenceChangedEvent(Bob, PresenceStatus.Away, Earlier), PresenceRules.Choose(Bob, PresenceStatus.Dnd, Earlier, PresenceStatus.Away));
    }

    [Theory]
    [InlineData("online", PresenceStatus.Online)]
    [InlineData("idle", PresenceStatus.Idle)]
    [InlineData("away", PresenceStatus.Away)]
    [InlineData("dnd", PresenceStatus.Dnd)]
    public void The_four_choosable_statuses_are_read_by_their_wire_names(string wire, PresenceStatus expected)
    {
        Assert.Equal(expected, PresenceRules.ParseChoice(wire));
    }

    [Theory]
    [InlineData("offline")]
    [InlineData("Online")]
    [InlineData("busy")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_invalid(string? wire)
    {
        var error = Assert.Throws<ChatException>(() => PresenceRules.ParseChoice(wire));

        Assert.Equal("invalid: status must be one of online, idle, away, dnd", error.WireMessage);
    }

    [Fact]
    public void The_last_seen_time_comes_from_the_clock_cut_to_what_PostgreSQL_keeps()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 7, 8, 9, 10, TimeSpan.Zero).AddTicks(1234567));

        var change = PresenceRules.Settle(Bob, PresenceStatus.Online, null, liveConnections: 0, clock.UtcNowAsStored());

        Assert.Equal(new DateTime(2025, 6, 7, 8, 9, 10, DateTimeKind.Utc).AddTicks(1234560), change!.LastSeenAt);
        Assert.Equal(DateTimeKind.Utc, change.LastSeenAt!.Value.Kind);
    }
}
