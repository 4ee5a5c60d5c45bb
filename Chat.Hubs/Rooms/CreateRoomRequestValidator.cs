using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Hubs.Errors;
using FluentValidation;

namespace Chat.Hubs.Rooms;

/// <summary>Rules for a new room's name, topic and settings.</summary>
public sealed class CreateRoomRequestValidator : AbstractValidator<CreateRoomRequest>
{
    public CreateRoomRequestValidator()
    {
        RuleFor(r => r.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty")
            .Must(n => (n?.Trim().Length ?? 0) <= RoomLimits.MaxNameLength)
            .WithMessage($"name must be at most {RoomLimits.MaxNameLength} characters")
            .MustBeName("name");
        RuleFor(r => r.Topic).Must(t => (t?.Length ?? 0) <= RoomLimits.MaxTopicLength)
            .WithMessage($"topic must be at most {RoomLimits.MaxTopicLength} characters")
            .MustBePlainText("topic");
        RuleFor(r => r.Settings!).SetValidator(new RoomSettingsValidator()).When(r => r.Settings is not null);
    }
}

/// <summary>Rules for a rename or a new topic.</summary>
public sealed class UpdateRoomRequestValidator : AbstractValidator<UpdateRoomRequest>
{
    public UpdateRoomRequestValidator()
    {
        RuleFor(r => r.Name).Must(n => n is null || (n.Trim().Length is > 0 and <= RoomLimits.MaxNameLength))
            .WithMessage($"name must be 1-{RoomLimits.MaxNameLength} characters")
            .MustBeName("name");
        RuleFor(r => r.Topic).Must(t => (t?.Length ?? 0) <= RoomLimits.MaxTopicLength)
            .WithMessage($"topic must be at most {RoomLimits.MaxTopicLength} characters")
            .MustBePlainText("topic");
    }
}

/// <summary>Rules for room settings.</summary>
public sealed partial class RoomSettingsValidator : AbstractValidator<RoomSettings>
{
    public RoomSettingsValidator()
    {
        RuleFor(s => s.RetentionDays).InclusiveBetween(1, 36500).When(s => s.RetentionDays is not null)
            .WithMessage("retentionDays must be between 1 and 36500");
        RuleFor(s => s.MaxMembers).InclusiveBetween(2, 1_000_000).When(s => s.MaxMembers is not null)
            .WithMessage("maxMembers must be between 2 and 1000000");
        RuleFor(s => s.SlowModeSeconds).InclusiveBetween(0, 21600).When(s => s.SlowModeSeconds is not null)
            .WithMessage("slowModeSeconds must be between 0 and 21600");
        // The shape of a PostgreSQL identifier; whether the database has such a text search
        // configuration is asked by the services (see MessageSearchService.RequireLanguageAsync).
        RuleFor(s => s.SearchLanguage).Must(l => l is not null && SearchLanguageShape().IsMatch(l))
            .WithMessage("searchLanguage must name a text search configuration, such as simple, english or german");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex SearchLanguageShape();
}

/// <summary>Size limits of room fields.</summary>
internal static class RoomLimits
{
    public const int MaxNameLength = 100;
    public const int MaxTopicLength = 500;
}
