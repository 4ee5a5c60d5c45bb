using System.Threading.RateLimiting;
using Chat.Api.Errors;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Chat.Api.Limits;

/// <summary>
/// The REST door's rate limits: ASP.NET Core's rate limiter, with one policy per budget, declared
/// on the route groups and routes (<see cref="RequireBudget{TBuilder}"/>). Each policy spends from
/// the same <see cref="RateBudgets"/> bucket as the hub, per user or, before there is a user, per
/// client address.
/// </summary>
public static class ChatRateLimiting
{
    private static readonly Budget[] PerAddress = [Budget.Registrations, Budget.Guests];

    public static IHostApplicationBuilder AddChatRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(o =>
        {
            o.OnRejected = RefuseAsync;
            foreach (var budget in Enum.GetValues<Budget>())
            {
                o.AddPolicy(budget.Name(), context => Partition(
                    context, budget, PerAddress.Contains(budget) ? ClientAddress.Of(context) : UserOrAddress(context)));
            }
        });
        return builder;
    }

    /// <summary>Each call of these routes spends a permit of <paramref name="budget"/>; a route's own budget replaces its group's.</summary>
    public static TBuilder RequireBudget<TBuilder>(this TBuilder builder, Budget budget)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(budget.Name());

    private static RateLimitPartition<string> Partition(HttpContext context, Budget budget, string key) =>
        RateLimitPartition.Get(key, partition => new BudgetLimiter(context.RequestServices.GetRequiredService<RateBudgets>(), budget, partition));

    // The limiter runs after authorization, so on /api the user is known; an anonymous route
    // counts by address instead.
    private static string UserOrAddress(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? RateBudgets.PartitionOf(Caller.Of(context.User).UserId)
            : ClientAddress.Of(context);

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var budget = Enum.GetValues<Budget>().FirstOrDefault(b => b.Name() == policy, Budget.Requests);
        var refused = RateBudgets.Refused(budget, wait);

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        ChatProblems.SetRetryAfter(http.Response, wait);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = refused.Message,
            Detail = refused.Message,
        };
        problem.Extensions["code"] = ErrorCodes.RateLimited;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem,
        });
    }
}
