namespace Chat.Hubs.Limits;

/// <summary>The budget a hub method spends one permit of per call (see <see cref="HubBudgetFilter"/>).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HubBudgetAttribute(Budget budget) : Attribute
{
    public Budget Budget { get; } = budget;
}
