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

    /// <summary>
    /// Keys that signed tokens before the last rotation (base64, like <see cref="SigningKey"/>).
    /// Tokens signed with them are still accepted, so rotating the key signs nobody out; new
    /// tokens are always signed with <see cref="SigningKey"/>. Drop a key once the tokens it
    /// signed have expired (after <see cref="TokenLifetimeSeconds"/>).
    /// </summary>
    public string[] PreviousSigningKeys { get; set; } = [];

    public string Issuer { get; set; } = "chat";

    public string Audience { get; set; } = "chat";

    /// <summary>An external OpenID Connect authority; when set, its keys validate tokens.</summary>
    public string Authority { get; set; } = "";

    /// <summary>
    /// How long an access token lives. Short, since a hub connection closes when its token expires
    /// and a revoked sign-in or a changed role takes effect only then; clients renew it with their
    /// refresh token.
    /// </summary>
    [Range(10, 24 * 3600)]
    public int TokenLifetimeSeconds { get; set; } = 15 * 60;

    /// <summary>A refresh token not used for this long expires; each refresh starts the count again.</summary>
    [Range(1, 365)]
    public int RefreshIdleDays { get; set; } = 30;

    public byte[] SigningKeyBytes() => KeyBytes(SigningKey);

    /// <summary>Every key a token may be signed with: the current one first, then the previous ones.</summary>
    public IEnumerable<byte[]> ValidationKeyBytes() => PreviousSigningKeys.Select(KeyBytes).Prepend(SigningKeyBytes());

    private static byte[] KeyBytes(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
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

        if (PreviousSigningKeys.Any(key => KeyBytes(key).Length < 32))
        {
            yield return new ValidationResult(
                "Each of Jwt:PreviousSigningKeys must be the base64 of at least 32 bytes.",
                [nameof(PreviousSigningKeys)]);
        }
    }
}
