using Chat.Contracts;
using Chat.Hubs.Errors;
using FluentValidation;

namespace Chat.Api.Auth;

/// <summary>Rules for a new account.</summary>
public sealed class RegisterRequestValidator : AbstractValidator<RegisterRequest>
{
    public RegisterRequestValidator()
    {
        RuleFor(r => r.UserName).NotEmpty().WithMessage("userName is required")
            .Matches("^[a-zA-Z0-9_.-]{3,32}$").WithMessage("userName must be 3-32 characters of a-z, 0-9, _ . -");
        RuleFor(r => r.UserName).Must(n => n?.StartsWith(ServiceAccountService.UserNamePrefix, StringComparison.OrdinalIgnoreCase) != true)
            .WithMessage($"userNames starting with {ServiceAccountService.UserNamePrefix} are kept for services");
        RuleFor(r => r.Password).NotEmpty().WithMessage("password is required")
            .MinimumLength(8).WithMessage("password must be at least 8 characters")
            .MaximumLength(256).WithMessage("password must be at most 256 characters");
        RuleFor(r => r.DisplayName).Must(BeDisplayName).WithMessage("displayName must be 1-64 characters").MustBeName("displayName");
    }

    internal static bool BeDisplayName(string? name) => name?.Trim().Length is > 0 and <= 64;
}

/// <summary>Rules for a guest's name.</summary>
public sealed class GuestRequestValidator : AbstractValidator<GuestRequest>
{
    public GuestRequestValidator() =>
        RuleFor(r => r.DisplayName).Must(RegisterRequestValidator.BeDisplayName).WithMessage("displayName must be 1-64 characters")
            .MustBeName("displayName");
}

/// <summary>Rules for a sign-in.</summary>
public sealed class TokenRequestValidator : AbstractValidator<TokenRequest>
{
    public TokenRequestValidator()
    {
        RuleFor(r => r.UserName).NotEmpty().WithMessage("userName is required").MustBePlainText("userName");
        RuleFor(r => r.Password).NotEmpty().WithMessage("password is required");
    }
}

/// <summary>Rules for a profile change.</summary>
public sealed class UpdateProfileRequestValidator : AbstractValidator<UpdateProfileRequest>
{
    public UpdateProfileRequestValidator()
    {
        RuleFor(r => r.DisplayName).Must(n => n is null || RegisterRequestValidator.BeDisplayName(n))
            .WithMessage("displayName must be 1-64 characters")
            .MustBeName("displayName");
        RuleFor(r => r.AvatarUrl)
            .Must(u => u is null || (u.Length <= 2048 && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            .WithMessage("avatarUrl must be an http(s) URL")
            .MustBePlainText("avatarUrl");
    }
}
