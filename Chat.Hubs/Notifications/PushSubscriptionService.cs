using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>The caller's push subscriptions, and the key browsers subscribe with.</summary>
public sealed class PushSubscriptionService(
    IOptions<PushOptions> options,
    VapidKeys vapid,
    PushSubscriptionRepository subscriptions,
    IValidator<PushSubscriptionRequest> validator,
    IValidator<RemovePushSubscriptionRequest> removeValidator,
    TimeProvider clock)
{
    /// <summary>The VAPID public key; <c>not_found</c> when push is not configured.</summary>
    public PushPublicKeyDto PublicKey() => new(vapid.PublicKey ?? throw NotConfigured());

    /// <summary>
    /// Stores a browser's subscription for the caller, or updates it (same endpoint), taking it
    /// over from another user who subscribed in that browser before; <c>limit</c> past
    /// <see cref="PushOptions.MaxSubscriptionsPerUser"/>.
    /// </summary>
    public async Task SubscribeAsync(Caller caller, PushSubscriptionRequest request, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            throw NotConfigured();
        }

        validator.EnsureValid(request);
        var subscription = new PushSubscription
        {
            Endpoint = request.Endpoint!.Trim(),
            UserId = caller.UserId,
            P256dh = PushKeys.TryDecode(request.Keys!.P256dh)!,
            Auth = PushKeys.TryDecode(request.Keys.Auth)!,
        };
        var max = options.Value.MaxSubscriptionsPerUser;
        if (!await subscriptions.SaveAsync(subscription, max, clock.UtcNowAsStored(), cancellationToken))
        {
            throw new ChatException(ErrorCodes.Limit, $"a user has at most {max} push subscriptions: remove one first");
        }
    }

    /// <summary>Removes one of the caller's subscriptions; one that is not there is removed already.</summary>
    public Task UnsubscribeAsync(Caller caller, RemovePushSubscriptionRequest request, CancellationToken cancellationToken = default)
    {
        removeValidator.EnsureValid(request);
        return subscriptions.RemoveAsync(caller.UserId, request.Endpoint!.Trim(), cancellationToken);
    }

    private static ChatException NotConfigured() => new(ErrorCodes.NotFound, "push notifications are not configured on this server");
}
