using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

/// <summary>
/// How tokens are issued and checked. Either a signing key (this service issues tokens) or an
/// external OpenID Connect authority (for example Microsoft Entra ID) must be configured.
/// </summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    /// <summary>Base64 of at least 32 random bytes. Never committed: the run script generates one.</summary>
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "chat";

    public string Audience { get; set; } = "chat";

    /// <summary>An external OpenID Connect authority; when set, its keys validate tokens.</summary>
    public string Authority { get; set; } = "";

    [Range(60, 30 * 24 * 3600)]
    public int TokenLifetimeSeconds { get; set; } = 12 * 3600;

    public byte[] SigningKeyBytes()
    {
        try
        {
            return Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority) && SigningKeyBytes().Length < 32)
        {
            yield return new ValidationResult(
                "Jwt:SigningKey must be the base64 of at least 32 bytes (set Jwt__SigningKey), or Jwt:Authority must name an OpenID Connect authority.",
                [nameof(SigningKey)]);
        }
    }
}
