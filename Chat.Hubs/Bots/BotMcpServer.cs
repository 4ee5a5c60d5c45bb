using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Bots;

/// <summary>
/// An MCP server whose tools a bot may call (<c>Bots__N__McpServers__M__…</c>): reached over HTTP
/// (<see cref="Url"/>: Streamable HTTP, or server-sent events for older servers) or started as a
/// process that speaks MCP on its standard input and output (<see cref="Command"/>).
/// </summary>
public sealed class BotMcpServer : IValidatableObject
{
    /// <summary>What logs call it.</summary>
    [Required, RegularExpression("^[a-zA-Z0-9_.-]{1,64}$")]
    public string Name { get; set; } = "";

    public Uri? Url { get; set; }

    public string? Command { get; set; }

    public string[]? Arguments { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Url is null) == string.IsNullOrWhiteSpace(Command))
        {
            yield return new ValidationResult($"MCP server {Name}: give either Url or Command", [nameof(Url), nameof(Command)]);
        }

        if (Url is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"MCP server {Name}: Url must be an absolute http or https address", [nameof(Url)]);
        }
    }
}
