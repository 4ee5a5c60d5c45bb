using Microsoft.Extensions.AI;

namespace Chat.Hubs.Bots;

/// <summary>The functions a bot's model may call. Each runs as the trigger's sender would.</summary>
public sealed class BotTools(TimeProvider clock)
{
    public const string CurrentTime = "current_time";

    /// <summary>Every tool's name.</summary>
    public static readonly IReadOnlyList<string> Names = [CurrentTime];

    /// <summary>The tools <paramref name="bot"/> may call in a reply.</summary>
    public IList<AITool> For(BotDefinition bot)
    {
        var allowed = bot.Tools is { Length: > 0 } named ? named.ToHashSet(StringComparer.OrdinalIgnoreCase) : Names.ToHashSet();
        var tools = new List<AITool>();
        if (allowed.Contains(CurrentTime))
        {
            tools.Add(AIFunctionFactory.Create(
                () => clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                CurrentTime,
                "The current date and time, in UTC."));
        }

        return tools;
    }
}
