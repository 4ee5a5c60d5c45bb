using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Chat.Api.Hosting;

/// <summary>
/// Which reverse proxies may tell the node the client's address, scheme and host through
/// <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>.
/// </summary>
/// <remarks>
/// On by default, trusting loopback only: a proxy on the same machine (nginx in front of a
/// node) works without settings, and a client that talks to the node directly cannot forge its
/// address, because headers from any other peer are ignored. A proxy on another machine is
/// listed in <see cref="KnownProxies"/> or <see cref="KnownNetworks"/>.
/// </remarks>
public sealed class ProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Whether forwarded headers are read at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Addresses of trusted proxies besides loopback, such as <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies besides loopback, in CIDR form such as <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, counted from the node, may each add an entry to the headers.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"'{proxy}' is not an IP address", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"'{network}' is not a network in CIDR form (10.0.0.0/24)", [nameof(KnownNetworks)]);
        }
    }
}
