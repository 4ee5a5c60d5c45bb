using Chat.Hubs.Errors;
using Chat.Hubs.Limits;

namespace Chat.Api.Auth;

/// <summary>
/// Password guessing: failed sign-ins are counted per account (from anywhere) and per client
/// address (to any account). Once either budget is spent, every attempt is refused with
/// <c>rate_limited</c>, right password or wrong, so a guesser learns nothing until it refills.
/// </summary>
/// <remarks>
/// Each attempt takes a permit from both budgets before the password is checked, and a success
/// gives them back: attempts racing each other cannot slip past the count, and only failures
/// stay counted. The rate limiter middleware cannot do this, as it knows neither the account
/// (it is in the body) nor the outcome.
/// </remarks>
public sealed class SignInThrottle(RateBudgets budgets)
{
    private const int MaxAccountLength = 128;

    /// <summary>Counts an attempt, or refuses it while the account or the address has no failures left.</summary>
    public async Task BeginAsync(string userName, string clientAddress)
    {
        var account = AccountOf(userName);
        var accountWait = await budgets.TryTakeAsync(Budget.SignInFailuresPerAccount, account);
        var addressWait = await budgets.TryTakeAsync(Budget.SignInFailuresPerAddress, clientAddress);
        if (accountWait is null && addressWait is null)
        {
            return;
        }

        // The budget that did grant its permit gets it back: this attempt is not tried at all.
        if (accountWait is null)
        {
            await budgets.RefundAsync(Budget.SignInFailuresPerAccount, account);
        }

        if (addressWait is null)
        {
            await budgets.RefundAsync(Budget.SignInFailuresPerAddress, clientAddress);
        }

        var (budget, wait) = (accountWait ?? TimeSpan.Zero) >= (addressWait ?? TimeSpan.Zero)
            ? (Budget.SignInFailuresPerAccount, accountWait!.Value)
            : (Budget.SignInFailuresPerAddress, addressWait!.Value);
        throw RateBudgets.Refused(budget, wait);
    }

    /// <summary>A right password: the attempt was not a failure, so its permits come back.</summary>
    public async Task SucceededAsync(string userName, string clientAddress)
    {
        await budgets.RefundAsync(Budget.SignInFailuresPerAccount, AccountOf(userName));
        await budgets.RefundAsync(Budget.SignInFailuresPerAddress, clientAddress);
    }

    /// <summary>
    /// Counts an attempt that names no account (a refresh token, a sign-out), or refuses it while
    /// the address has no failures left.
    /// </summary>
    public async Task BeginAsync(string clientAddress)
    {
        if (await budgets.TryTakeAsync(Budget.SignInFailuresPerAddress, clientAddress) is { } wait)
        {
            throw RateBudgets.Refused(Budget.SignInFailuresPerAddress, wait);
        }
    }

    /// <summary>An attempt of <see cref="BeginAsync(string)"/> that was no failure: its permit comes back.</summary>
    public ValueTask SucceededAsync(string clientAddress) => budgets.RefundAsync(Budget.SignInFailuresPerAddress, clientAddress);

    // User names are case-insensitive, and so is their count. A name longer than any real one
    // (a service name is unchecked) is cut, so a guesser cannot make keys of any size.
    private static string AccountOf(string userName) =>
        (userName.Length > MaxAccountLength ? userName[..MaxAccountLength] : userName).ToLowerInvariant();
}
