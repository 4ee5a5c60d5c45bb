namespace Chat.Api.Auth;

/// <summary>
/// Other services that may sign in with a name and a shared secret (<c>Services:Clients</c>) and
/// then act with the global role <c>service</c>, which may send system messages.
/// </summary>
public sealed class ServiceClientOptions
{
    public const string SectionName = "Services";

    public List<ServiceClient> Clients { get; set; } = [];
}

/// <summary>One configured service client. The secret comes from the environment or a vault, never from a committed file.</summary>
public sealed class ServiceClient
{
    public string Name { get; set; } = "";

    public string Secret { get; set; } = "";
}
