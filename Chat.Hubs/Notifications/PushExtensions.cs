using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>Registers offline notifications: the options, the keys, the queue, the dispatcher and the sender.</summary>
internal static class PushExtensions
{
    public static IServiceCollection AddPushNotifications(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<PushOptions>().BindConfiguration(PushOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        services.AddSingleton<PushMetrics>();
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<OfflineNotifier>();
        services.AddSingleton<CoalescingWindows>();
        services.AddSingleton<PushSender>();
        services.AddHostedService<NotificationDispatcher>();
        services.AddSingleton<PushSubscriptionService>();
        services.AddSingleton<RoomNotificationService>();
        return services;
    }
}

/// <summary>Push is off without keys; with them, both must be valid, a pair, and come with a subject.</summary>
internal sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var anyKey = !string.IsNullOrWhiteSpace(options.VapidPublicKey) || !string.IsNullOrWhiteSpace(options.VapidPrivateKey);
        if (!anyKey)
        {
            return ValidateOptionsResult.Success;
        }

        if (!options.Enabled)
        {
            return ValidateOptionsResult.Fail("Push:VapidPublicKey and Push:VapidPrivateKey are set together, or neither (push off)");
        }

        using var pair = VapidKeys.Load(options.VapidPublicKey, options.VapidPrivateKey, out var problem);
        if (pair is null)
        {
            return ValidateOptionsResult.Fail(problem!);
        }

        var subject = options.Subject.Trim();
        var validSubject = (subject.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) && subject.Length > "mailto:".Length)
            || (Uri.TryCreate(subject, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps);
        return validSubject
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Push:Subject must be a mailto: or https: URI where push services can reach the operator");
    }
}
