using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Limits;

/// <summary>Abuse limits; the defaults are the contract's, or what a person using the web client never reaches.</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string SectionName = "RateLimits";

    /// <summary>How many messages a user may send in a burst: the size of the token bucket.</summary>
    [Range(1, 10_000)]
    public int MessagesPerWindow { get; set; } = 30;

    /// <summary>
    /// How long an empty bucket takes to fill again. Tokens come back evenly over this time, so a
    /// user who keeps sending settles at <see cref="MessagesPerWindow"/> per window.
    /// </summary>
    [Range(100, 3_600_000)]
    public int WindowMilliseconds { get; set; } = 10_000;

    /// <summary>How many hub connections one user may hold at once.</summary>
    [Range(1, 1000)]
    public int ConnectionsPerUser { get; set; } = 10;

    // Per user. Opening a room is one join; a person clicks through a handful a minute.
    public BudgetOptions Membership { get; set; } = BudgetOptions.Of(30, 60);

    public BudgetOptions Edits { get; set; } = BudgetOptions.Of(20, 10);

    public BudgetOptions Reactions { get; set; } = BudgetOptions.Of(30, 10);

    // The web client sends a typing notice at most every few seconds per room.
    public BudgetOptions Typing { get; set; } = BudgetOptions.Of(20, 10);

    public BudgetOptions Presence { get; set; } = BudgetOptions.Of(20, 60);

    // The web client marks each message of a room in the background as delivered.
    public BudgetOptions Receipts { get; set; } = BudgetOptions.Of(120, 10);

    public BudgetOptions History { get; set; } = BudgetOptions.Of(60, 10);

    public BudgetOptions Search { get; set; } = BudgetOptions.Of(30, 60);

    public BudgetOptions Uploads { get; set; } = BudgetOptions.Of(20, 60);

    public BudgetOptions Requests { get; set; } = BudgetOptions.Of(300, 60);

    // Per client address: an office behind one NAT still registers a team in an afternoon.
    public BudgetOptions Registrations { get; set; } = BudgetOptions.Of(20, 3600);

    public BudgetOptions Guests { get; set; } = BudgetOptions.Of(30, 3600);

    // One address spends its failures long before an account's, so a guesser from one address
    // never locks the account's owner out; many addresses together can, for a few seconds per
    // failure once they stop (see README, "Limits and abuse").
    public BudgetOptions SignInFailuresPerAccount { get; set; } = BudgetOptions.Of(50, 600);

    public BudgetOptions SignInFailuresPerAddress { get; set; } = BudgetOptions.Of(10, 600);

    // A model's reply costs far more than a message: a person asks a few questions a minute.
    public BudgetOptions BotTriggersPerUser { get; set; } = BudgetOptions.Of(10, 60);

    public BudgetOptions BotTriggersPerRoom { get; set; } = BudgetOptions.Of(30, 60);

    /// <summary>The allowance of <paramref name="budget"/>.</summary>
    public Allowance For(Budget budget) => budget switch
    {
        Budget.Messages => new Allowance(MessagesPerWindow, TimeSpan.FromMilliseconds(WindowMilliseconds)),
        _ => OptionsOf(budget).ToAllowance(),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var budget in Enum.GetValues<Budget>().Where(b => b != Budget.Messages))
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(OptionsOf(budget), new ValidationContext(OptionsOf(budget)), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"{budget}: {result.ErrorMessage}", [budget.ToString()]);
                }
            }
        }
    }

    private BudgetOptions OptionsOf(Budget budget) => budget switch
    {
        Budget.Membership => Membership,
        Budget.Edits => Edits,
        Budget.Reactions => Reactions,
        Budget.Typing => Typing,
        Budget.Presence => Presence,
        Budget.Receipts => Receipts,
        Budget.History => History,
        Budget.Search => Search,
        Budget.Uploads => Uploads,
        Budget.Requests => Requests,
        Budget.Registrations => Registrations,
        Budget.Guests => Guests,
        Budget.SignInFailuresPerAccount => SignInFailuresPerAccount,
        Budget.SignInFailuresPerAddress => SignInFailuresPerAddress,
        Budget.BotTriggersPerUser => BotTriggersPerUser,
        Budget.BotTriggersPerRoom => BotTriggersPerRoom,
        _ => throw new ArgumentOutOfRangeException(nameof(budget)),
    };
}
