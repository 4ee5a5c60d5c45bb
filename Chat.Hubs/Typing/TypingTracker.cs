namespace Chat.Hubs.Typing;

/// <summary>
/// Who types where: each typing event keeps its user in the room's list until
/// <see cref="Lifetime"/> after that event, judged by the injected clock.
/// </summary>
public sealed class TypingTracker(ITypingStore store, TimeProvider clock)
{
    /// <summary>How long a typing event counts: the contract's 3 s after the last one.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    // Bounds one pass's work (and one Redis read); what is left is taken by the next pass.
    internal const int MaxExpiriesPerPass = 500;

    /// <summary>The user types in the room now; the change to announce when they were not in the list yet.</summary>
    public async Task<TypingChange?> StartAsync(Guid roomId, Guid userId)
    {
        var now = clock.GetUtcNow();
        return await store.StartAsync(roomId, userId, now, now + Lifetime) is { } typists
            ? new TypingChange(roomId, userId, typists)
            : null;
    }

    /// <summary>The user stopped typing; the change to announce when they were in the list.</summary>
    public async Task<TypingChange?> StopAsync(Guid roomId, Guid userId) =>
        await store.StopAsync(roomId, userId, clock.GetUtcNow()) is { } typists
            ? new TypingChange(roomId, userId, typists)
            : null;

    /// <summary>Who types in the room now.</summary>
    public Task<Guid[]> TypistsAsync(Guid roomId) => store.TypistsAsync(roomId, clock.GetUtcNow());

    /// <summary>Removes the entries whose time is up; each is returned to one node only.</summary>
    public Task<IReadOnlyList<TypingChange>> ExpireDueAsync() => store.ExpireDueAsync(clock.GetUtcNow(), MaxExpiriesPerPass);
}
