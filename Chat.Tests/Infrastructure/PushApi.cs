using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>Offline notifications as tests drive them: node settings with a VAPID key pair, and the REST calls.</summary>
public static class PushApi
{
    public const string PublicKeyRoute = "api/push/public-key";
    public const string SubscriptionsRoute = "api/users/me/push-subscriptions";

    public static string NotificationsRoute(Guid roomId) => $"{ApiRoutes.Room(roomId)}/notifications";

    /// <summary>
    /// Settings of a node with push on: a key pair of its own, <paramref name="coalesceSeconds"/>
    /// windows, short retries and time limits; <paramref name="insecure"/> lets it push to
    /// <see cref="FakePushService"/> on loopback over http.
    /// </summary>
    public static Dictionary<string, string?> Settings(bool insecure = true, double coalesceSeconds = 3)
    {
        var (publicKey, privateKey) = NewKeyPair();
        return new Dictionary<string, string?>
        {
            ["Push:VapidPublicKey"] = publicKey,
            ["Push:VapidPrivateKey"] = privateKey,
            ["Push:Subject"] = "mailto:ops@example.com",
            ["Push:AllowInsecureEndpoints"] = insecure ? "true" : "false",
            ["Push:CoalesceSeconds"] = coalesceSeconds.ToString(CultureInfo.InvariantCulture),
            ["Push:RetryDelayMilliseconds"] = "100",
            ["Push:RequestTimeoutSeconds"] = "10",
        };
    }

    /// <summary>A VAPID key pair, base64url: the public key as an uncompressed point, the private key as its scalar.</summary>
    public static (string PublicKey, string PrivateKey) NewKeyPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return (Base64Url([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url(parameters.D!));
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static Task<HttpResponseMessage> PublicKeyAsync(this HttpClient http) => http.GetAsync(PublicKeyRoute);

    public static Task<HttpResponseMessage> SubscribeAsync(this HttpClient http, PushSubscriptionRequest request) =>
        http.PostAsJsonAsync(SubscriptionsRoute, request, Json.Options);

    /// <summary>Subscribes the browser for the user of <paramref name="http"/>; fails unless stored.</summary>
    public static Task SubscribeAsync(this HttpClient http, FakeBrowser browser) =>
        http.SubscribeAsync(browser.Subscription).ExpectAsync(System.Net.HttpStatusCode.Created);

    public static Task<HttpResponseMessage> UnsubscribeAsync(this HttpClient http, string? endpoint) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, SubscriptionsRoute)
        {
            Content = JsonContent.Create(new RemovePushSubscriptionRequest(endpoint), options: Json.Options),
        });

    public static Task<HttpResponseMessage> SetNotificationsMutedAsync(this HttpClient http, Guid roomId, bool muted) =>
        http.PutAsJsonAsync(NotificationsRoute(roomId), new RoomNotificationsRequest(muted), Json.Options);
}
