using Chat.Contracts;
using Chat.Hubs.Errors;
using FluentValidation;

namespace Chat.Hubs.Moderation;

/// <summary>A role change names one of the four room roles.</summary>
public sealed class ChangeRoleRequestValidator : AbstractValidator<ChangeRoleRequest>
{
    private static readonly string[] Roles = ["admin", "moderator", "member", "guest"];

    public ChangeRoleRequestValidator() =>
        RuleFor(r => r.Role).Must(r => r is not null && Roles.Contains(r, StringComparer.OrdinalIgnoreCase))
            .WithMessage("role must be one of admin, moderator, member, guest");
}

/// <summary>A mute lasts from one second to one year.</summary>
public sealed class MuteRequestValidator : AbstractValidator<MuteRequest>
{
    public const int MaxDurationSeconds = 31_536_000;

    public MuteRequestValidator() =>
        RuleFor(r => r.DurationSeconds).InclusiveBetween(1, MaxDurationSeconds)
            .WithMessage($"durationSeconds must be between 1 and {MaxDurationSeconds}");
}

/// <summary>A kick's reason is optional and short.</summary>
public sealed class KickRequestValidator : AbstractValidator<KickRequest>
{
    public KickRequestValidator() =>
        RuleFor(r => r.Reason).MaximumLength(ModerationLimits.MaxReasonLength)
            .WithMessage($"reason must be at most {ModerationLimits.MaxReasonLength} characters")
            .MustBePlainText("reason");
}

/// <summary>A ban names a user; its reason is optional and short.</summary>
public sealed class BanRequestValidator : AbstractValidator<BanRequest>
{
    public BanRequestValidator()
    {
        RuleFor(r => r.UserId).NotEmpty().WithMessage("userId is required");
        RuleFor(r => r.Reason).MaximumLength(ModerationLimits.MaxReasonLength)
            .WithMessage($"reason must be at most {ModerationLimits.MaxReasonLength} characters")
            .MustBePlainText("reason");
    }
}

/// <summary>Size limits of moderation fields.</summary>
internal static class ModerationLimits
{
    public const int MaxReasonLength = 500;
}
