using Chat.Data;
using Chat.Hubs.Rooms;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

public sealed class InvitationExpiryTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_invitation_is_usable_until_the_moment_it_expires()
    {
        var invitation = new RoomInvitation { ExpiresAt = clock.GetUtcNow().UtcDateTime.AddSeconds(60) };

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(InvitationService.Usable(invitation, clock.GetUtcNow().UtcDateTime));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(InvitationService.Usable(invitation, clock.GetUtcNow().UtcDateTime));
    }

    [Theory]
    [InlineData(null, 1000, true)]
    [InlineData(3, 2, true)]
    [InlineData(3, 3, false)]
    public void Uses_count_against_max_uses_and_no_max_means_unlimited(int? maxUses, int uses, bool usable)
    {
        var invitation = new RoomInvitation { ExpiresAt = clock.GetUtcNow().UtcDateTime.AddHours(1), MaxUses = maxUses, Uses = uses };

        Assert.Equal(usable, InvitationService.Usable(invitation, clock.GetUtcNow().UtcDateTime));
    }
}
