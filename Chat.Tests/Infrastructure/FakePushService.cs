using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Chat.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A push service (RFC 8030) over real HTTP on loopback, as browsers' push services answer: it
/// takes pushes at the endpoints of the subscriptions a test makes, checks each push's VAPID
/// token (RFC 8292: ES256 signed with the key <c>k</c>, its audience this service's origin, its
/// expiry within 24 hours, a subject), decrypts the payload with the subscription's private key
/// and auth secret (RFC 8291, the browser's side) and records what the browser would show.
/// A push that fails a check is answered 403 and fails the test that waits for it.
/// </summary>
public sealed class FakePushService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeBrowser> browsers = new();
    private readonly CancellationTokenSource stopping = new();
    private WebApplication app = null!;

    /// <summary>This service's origin, such as <c>http://127.0.0.1:41234</c>: the audience a VAPID token must name.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>Pushes waiting for an answer that the service holds back (see <see cref="FakeBrowser.Hang"/>).</summary>
    public int Hanging => browsers.Values.Sum(b => b.HangingNow);

    public static async Task<FakePushService> StartAsync()
    {
        var service = new FakePushService();
        (service.app, service.Origin) = await LoopbackApp.StartAsync(app => app.MapPost("/push/{id}", service.TakeAsync));
        return service;
    }

    /// <summary>A browser that subscribes with this service: a new key pair and auth secret, and an endpoint of its own.</summary>
    public FakeBrowser Subscribe()
    {
        var browser = new FakeBrowser($"{Origin}/push/{Guid.NewGuid():N}");
        browsers[browser.Id] = browser;
        return browser;
    }

    public async ValueTask DisposeAsync()
    {
        // Pushes held back are let go, so the server stops without waiting for them.
        await stopping.CancelAsync();
        foreach (var browser in browsers.Values)
        {
            browser.Dispose();
        }

        await app.DisposeAsync();
        stopping.Dispose();
    }

    private async Task TakeAsync(HttpContext context, string id)
    {
        if (!browsers.TryGetValue(id, out var browser))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var status = browser.NextAnswer(out var hang);
        if (hang)
        {
            Interlocked.Increment(ref browser.HangingNow);
            try
            {
                using var held = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
                await Task.Delay(Timeout.Infinite, held.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref browser.HangingNow);
            }
        }

        if (status >= 300)
        {
            context.Response.StatusCode = status;
            return;
        }

        ReceivedPush push;
        try
        {
            push = browser.Read(context.Request.Headers, body.ToArray(), Origin);
        }
        catch (Exception e) when (e is InvalidDataException or CryptographicException or FormatException or JsonException)
        {
            browser.Fail(e.Message);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        browser.Record(push);
        context.Response.StatusCode = StatusCodes.Status201Created;
    }
}

/// <summary>What a push carried, decrypted, with the headers it came with.</summary>
public sealed record ReceivedPush(PushPayload Payload, string VapidKey, string? Ttl, string? Urgency, string? Topic);

/// <summary>The payload as a service worker reads it (camelCase JSON).</summary>
public sealed record PushPayload(Guid RoomId, string RoomName, int Count, string Kind, Guid MessageId, string SenderName, string Preview);

/// <summary>
/// One browser's push subscription with a <see cref="FakePushService"/>: its keys, its endpoint,
/// the pushes it received, and how the service answers the next ones.
/// </summary>
public sealed class FakeBrowser : IDisposable
{
    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly ECDiffieHellman key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] authSecret = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] publicKey;
    private readonly Channel<(ReceivedPush? Push, string? Problem)> received = Channel.CreateUnbounded<(ReceivedPush?, string?)>();
    private readonly ConcurrentQueue<int> answers = new();
    private int attempts;
    private volatile bool hang;
    internal int HangingNow;

    internal FakeBrowser(string endpoint)
    {
        Endpoint = endpoint;
        Id = endpoint[(endpoint.LastIndexOf('/') + 1)..];
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        publicKey = [0x04, .. q.X!, .. q.Y!];
    }

    internal string Id { get; }

    public string Endpoint { get; }

    /// <summary>What <c>PushSubscription.toJSON()</c> gives, as the page posts it.</summary>
    public PushSubscriptionRequest Subscription => new(Endpoint, new PushSubscriptionKeys(Base64Url(publicKey), Base64Url(authSecret)));

    /// <summary>Pushes that reached the service for this subscription, whatever it answered.</summary>
    public int Attempts => Volatile.Read(ref attempts);

    /// <summary>The service answers the next pushes with these statuses, in turn, then 201 again.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            answers.Enqueue(status);
        }
    }

    /// <summary>The service answers every push from now on with <paramref name="status"/> (410: the subscription is gone).</summary>
    public void AnswerAlways(int status) => Always = status;

    /// <summary>The service holds every push from now on without answering, until the sender gives up.</summary>
    public void Hang() => hang = true;

    /// <summary>The next push this browser received, decrypted; fails when none comes within <paramref name="wait"/>.</summary>
    public async Task<ReceivedPush> NextAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(15));
        try
        {
            var (push, problem) = await received.Reader.ReadAsync(timeout.Token);
            return push ?? throw new Xunit.Sdk.XunitException($"A push failed the browser's checks: {problem}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No push reached {Endpoint} within {(wait ?? TimeSpan.FromSeconds(15)).TotalSeconds} s");
        }
    }

    /// <summary>The pushes received and not yet taken by <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<ReceivedPush> Drain()
    {
        var pushes = new List<ReceivedPush>();
        while (received.Reader.TryRead(out var item))
        {
            pushes.Add(item.Push ?? throw new Xunit.Sdk.XunitException($"A push failed the browser's checks: {item.Problem}"));
        }

        return pushes;
    }

    public void Dispose() => key.Dispose();

    private int? Always { get; set; }

    internal int NextAnswer(out bool hangs)
    {
        Interlocked.Increment(ref attempts);
        hangs = hang;
        return answers.TryDequeue(out var status) ? status : Always ?? StatusCodes.Status201Created;
    }

    internal void Record(ReceivedPush push) => received.Writer.TryWrite((push, null));

    internal void Fail(string problem) => received.Writer.TryWrite((null, problem));

    /// <summary>Checks the push's VAPID token and decrypts its body, as the push service and then the browser would.</summary>
    internal ReceivedPush Read(IHeaderDictionary headers, byte[] body, string origin)
    {
        var vapidKey = VerifyVapid(headers.Authorization.ToString(), origin);
        if (!string.Equals(headers.ContentEncoding.ToString(), "aes128gcm", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Content-Encoding aes128gcm expected, got '{headers.ContentEncoding}'");
        }

        if (!headers.TryGetValue("TTL", out var ttl))
        {
            throw new InvalidDataException("a push needs a TTL header (RFC 8030, section 5.2)");
        }

        var payload = JsonSerializer.Deserialize<PushPayload>(Decrypt(body), PayloadJson)
            ?? throw new InvalidDataException("the payload is empty");
        return new ReceivedPush(payload, vapidKey, ttl, headers["Urgency"].FirstOrDefault(), headers["Topic"].FirstOrDefault());
    }

    // RFC 8292: "vapid t=<JWT>, k=<public key>"; the JWT is ES256-signed by that key.
    private static string VerifyVapid(string authorization, string origin)
    {
        if (!authorization.StartsWith("vapid ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"a VAPID Authorization header expected, got '{authorization}'");
        }

        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var token = parameters.GetValueOrDefault("t") ?? throw new InvalidDataException("no t= in the VAPID header");
        var k = parameters.GetValueOrDefault("k") ?? throw new InvalidDataException("no k= in the VAPID header");
        var point = FromBase64Url(k);
        if (point.Length != 65 || point[0] != 4)
        {
            throw new InvalidDataException("k is not an uncompressed P-256 point");
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new InvalidDataException("the VAPID token is not a JWS");
        }

        using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "ES256")
        {
            throw new InvalidDataException("the VAPID token must be signed with ES256");
        }

        using var signer = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        if (!signer.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256))
        {
            throw new InvalidDataException("the VAPID token's signature does not verify with k");
        }

        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        var aud = claims.RootElement.GetProperty("aud").GetString();
        var exp = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        var sub = claims.RootElement.GetProperty("sub").GetString() ?? "";
        if (aud != origin)
        {
            throw new InvalidDataException($"the VAPID audience must be {origin}, got {aud}");
        }

        if (exp <= DateTimeOffset.UtcNow || exp > DateTimeOffset.UtcNow.AddHours(24))
        {
            throw new InvalidDataException($"the VAPID token must expire within 24 hours, expires {exp:O}");
        }

        if (!sub.StartsWith("mailto:", StringComparison.Ordinal) && !sub.StartsWith("https:", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the VAPID subject must be mailto: or https:, got '{sub}'");
        }

        return k;
    }

    // RFC 8291 and RFC 8188 from the receiving end: the header gives the salt, the record size and
    // the sender's public key; the key and nonce come from ECDH with our key and the auth secret.
    private byte[] Decrypt(byte[] body)
    {
        if (body.Length < 21)
        {
            throw new InvalidDataException("the body is shorter than an aes128gcm header");
        }

        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        int idLength = body[20];
        var senderKey = body[21..(21 + idLength)];
        var record = body[(21 + idLength)..];
        if (idLength != 65 || senderKey[0] != 4)
        {
            throw new InvalidDataException("the key id must be the sender's uncompressed P-256 public key");
        }

        if (record.Length > recordSize || record.Length < 17)
        {
            throw new InvalidDataException("a push is one record, no larger than the record size");
        }

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..] },
        });
        var shared = key.DeriveRawSecretAgreement(sender.PublicKey);
        var authKey = HKDF.Extract(HashAlgorithmName.SHA256, shared, authSecret);
        var ikm = HKDF.Expand(HashAlgorithmName.SHA256, authKey, 32, [.. "WebPush: info\0"u8, .. publicKey, .. senderKey]);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var contentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

        var plain = new byte[record.Length - 16];
        using (var aes = new AesGcm(contentKey, 16))
        {
            aes.Decrypt(nonce, record.AsSpan(0, plain.Length), record.AsSpan(plain.Length), plain);
        }

        // The padding is zeros after the delimiter, which is 2 in the last record.
        var end = Array.FindLastIndex(plain, b => b != 0);
        if (end < 0 || plain[end] != 2)
        {
            throw new InvalidDataException("the last record must end with the delimiter 2");
        }

        return plain[..end];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
