using Chat.Contracts;
using Chat.Hubs.Outbound;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>
/// A subscription as a browser's <c>PushSubscription.toJSON()</c> gives it: an https endpoint,
/// the browser's P-256 key (a point on the curve) and a 16-byte auth secret, both base64url.
/// </summary>
internal sealed class PushSubscriptionRequestValidator : AbstractValidator<PushSubscriptionRequest>
{
    /// <summary>Far above what push services hand out (about 200 characters), far below what would burden a row.</summary>
    public const int MaxEndpointLength = 2048;

    public PushSubscriptionRequestValidator(IOptions<PushOptions> options)
    {
        var insecure = options.Value.AllowInsecureEndpoints;
        RuleFor(r => r.Endpoint)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("endpoint is required")
            .MaximumLength(MaxEndpointLength).WithMessage($"endpoint is at most {MaxEndpointLength} characters")
            .Must(e => IsPushEndpoint(e!, insecure)).WithMessage("endpoint must be an https URL of a push service");
        RuleFor(r => r.Keys).NotNull().WithMessage("keys are required");
        RuleFor(r => r.Keys!.P256dh)
            .Must(k => PushKeys.TryDecode(k) is { } point && PushKeys.TryReadPoint(point) is not null)
            .WithMessage("keys.p256dh must be an uncompressed P-256 public key (65 bytes), base64url")
            .OverridePropertyName("keys.p256dh")
            .When(r => r.Keys is not null);
        RuleFor(r => r.Keys!.Auth)
            .Must(k => PushKeys.TryDecode(k) is { Length: PushKeys.AuthSecretLength })
            .WithMessage($"keys.auth must be {PushKeys.AuthSecretLength} bytes, base64url")
            .OverridePropertyName("keys.auth")
            .When(r => r.Keys is not null);
    }

    private static bool IsPushEndpoint(string endpoint, bool insecure)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || uri.UserInfo.Length > 0
            || uri.Fragment.Length > 0
            || !(uri.Scheme == Uri.UriSchemeHttps || (insecure && uri.Scheme == Uri.UriSchemeHttp)))
        {
            return false;
        }

        // Other names are checked when the push connects; addresses and localhost can be refused now.
        return insecure || !PublicAddresses.NamesNonPublicHost(uri);
    }
}

/// <summary>Removing a subscription names its endpoint.</summary>
internal sealed class RemovePushSubscriptionRequestValidator : AbstractValidator<RemovePushSubscriptionRequest>
{
    public RemovePushSubscriptionRequestValidator()
    {
        RuleFor(r => r.Endpoint)
            .NotEmpty().WithMessage("endpoint is required")
            .MaximumLength(PushSubscriptionRequestValidator.MaxEndpointLength)
            .WithMessage($"endpoint is at most {PushSubscriptionRequestValidator.MaxEndpointLength} characters");
    }
}
