namespace Chat.Contracts;

/// <summary>The VAPID public key a browser subscribes with (base64url).</summary>
public sealed record PushPublicKeyDto(string PublicKey);

/// <summary>The keys of a push subscription, as the browser's <c>PushSubscription.toJSON()</c> gives them.</summary>
public sealed record PushSubscriptionKeys(string? P256dh, string? Auth);

/// <summary>Body of <c>POST /api/users/me/push-subscriptions</c>.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, PushSubscriptionKeys? Keys);

/// <summary>Body of <c>DELETE /api/users/me/push-subscriptions</c>.</summary>
public sealed record RemovePushSubscriptionRequest(string? Endpoint);

/// <summary>Body of <c>PUT /api/rooms/{id}/notifications</c>.</summary>
public sealed record RoomNotificationsRequest(bool Muted);
