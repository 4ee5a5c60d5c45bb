namespace Chat.Hubs;

/// <summary>The Redis backplane; off while <see cref="Configuration"/> is empty (a single node).</summary>
public sealed class ChatRedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefixes every channel, so several deployments can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "chat";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
