namespace Chat.Api.Hosting;

/// <summary>Where the node finds the web client's build (<c>WebClient__Path</c>).</summary>
public sealed class WebClientOptions
{
    public const string SectionName = "WebClient";

    /// <summary>The folder of the build; unset, <c>web-client/dist</c> beside the content root's parent.</summary>
    public string? Path { get; set; }
}
