using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Activity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Admin;

/// <summary>Reports for global administrators under <c>/api/admin</c>.</summary>
public static class ActivityEndpoints
{
    private const int DefaultDays = 7;

    public static RouteGroupBuilder MapActivityEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/activity", async Task<Ok<ActivityCountDto[]>> (int? days, Caller caller, ActivityReport report, CancellationToken ct) =>
                TypedResults.Ok(await report.CountsAsync(caller, days ?? DefaultDays, ct)))
            .WithName("GetActivity").WithSummary("Counts of each action per UTC day over the last `days` days (default 7, at most 366)")
            .ProducesValidationProblem();

        return admin;
    }
}
