using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Rooms;

/// <summary>Bounds of an invitation's lifetime.</summary>
public sealed class InvitationOptions
{
    public const string SectionName = "Invitations";

    /// <summary>The shortest lifetime a client may ask for; lowered only by tests that watch one expire.</summary>
    [Range(1, 86_400)]
    public int MinExpirySeconds { get; set; } = 60;

    /// <summary>The longest lifetime a client may ask for (30 days).</summary>
    [Range(1, 365 * 86_400)]
    public int MaxExpirySeconds { get; set; } = 30 * 86_400;
}
