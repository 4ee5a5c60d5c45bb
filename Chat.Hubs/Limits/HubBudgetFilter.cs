using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Limits;

/// <summary>
/// Spends a permit of the budget a hub method names with <see cref="HubBudgetAttribute"/> before
/// the method runs, so a refused call costs the server nothing else. Runs inside ChatErrorFilter,
/// which turns the refusal into <c>rate_limited</c> with <c>retryAfterMs</c>.
/// </summary>
internal sealed class HubBudgetFilter(RateBudgets budgets) : IHubFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, Budget?> BudgetOfMethod = new();

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var budget = BudgetOfMethod.GetOrAdd(
            invocationContext.HubMethod, method => method.GetCustomAttribute<HubBudgetAttribute>()?.Budget);
        if (budget is { } spent)
        {
            await budgets.TakeAsync(spent, Caller.Of(invocationContext.Context).UserId);
        }

        return await next(invocationContext);
    }
}
