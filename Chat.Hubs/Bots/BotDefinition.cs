using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Bots;

/// <summary>
/// One bot the operator declares (<c>Bots__N__…</c>): created or updated as a user with global role
/// <c>bot</c> at start-up, added to rooms by their admins.
/// </summary>
public sealed class BotDefinition
{
    /// <summary>Its user name, as members mention it: <c>@userName</c>.</summary>
    [Required, RegularExpression("^[a-zA-Z0-9_.-]{3,32}$")]
    public string UserName { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary><c>scripted</c> (built in, no model) or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    [Required]
    public string Provider { get; set; } = BotProviders.Scripted;

    public string? Model { get; set; }

    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    public string? SystemPrompt { get; set; }

    /// <summary>The built-in tools it may call (<see cref="BotTools"/>); all of them when empty.</summary>
    public string[]? Tools { get; set; }

    /// <summary>
    /// MCP servers whose tools it may call besides the built-in ones. They act with the rights
    /// the operator gave them, not the asker's: declare only tools any member may use.
    /// </summary>
    public List<BotMcpServer> McpServers { get; set; } = [];

    /// <summary>How many of the room's recent messages it is given.</summary>
    [Range(1, 200)]
    public int HistoryMessages { get; set; } = 20;

    [Range(1, 100_000)]
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>How long one reply may take before it ends with an error.</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>For <c>openai</c>: how long the provider may take to send the first part of a reply; slower is retried.</summary>
    [Range(1, 600)]
    public int FirstTokenTimeoutSeconds { get; set; } = 30;

    /// <summary>For <c>scripted</c>: the pause between the words it streams.</summary>
    [Range(0, 10_000)]
    public int WordDelayMilliseconds { get; set; } = 60;

    /// <summary>
    /// For <c>scripted</c>: each word it streams starts with the node's clock when the word was
    /// made, in Unix microseconds (<c>1765100000123456:word</c>), so a load test on the same machine
    /// can tell how long each delta took to reach the members. Off by default.
    /// </summary>
    public bool StampWords { get; set; }
}

/// <summary>The providers a bot may use.</summary>
public static class BotProviders
{
    public const string Scripted = "scripted";
    public const string OpenAi = "openai";
}
