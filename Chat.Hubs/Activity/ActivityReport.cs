using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Activity;

/// <summary>The admin report over the activity log: counts per action and UTC day.</summary>
public sealed class ActivityReport(ActivityRepository repository, TimeProvider clock)
{
    public const int MaxDays = 366;

    /// <summary>Counts of the last <paramref name="days"/> days, today included; global admins only.</summary>
    public async Task<ActivityCountDto[]> CountsAsync(Caller caller, int days, CancellationToken cancellationToken = default)
    {
        if (!caller.IsGlobalAdmin)
        {
            throw ChatException.Forbidden("only administrators may read the activity log");
        }

        if (days < 1 || days > MaxDays)
        {
            throw ChatException.Invalid($"days must be between 1 and {MaxDays}");
        }

        var since = clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - days);
        var counts = await repository.CountsAsync(since, cancellationToken);
        return [.. counts.Select(c => new ActivityCountDto(DateOnly.FromDateTime(c.Day), c.Action, c.Count))];
    }
}
