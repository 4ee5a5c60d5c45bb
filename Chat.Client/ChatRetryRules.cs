using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Chat.Client;

/// <summary>
/// Which failed requests the REST client repeats. The standard pipeline already picks the
/// transient failures (5xx, 408, 429 after its Retry-After, connection errors, timeouts); on top
/// of that only requests that are safe to repeat are repeated: reads, PUTs (they replace a whole
/// object), and sends that carry a clientMessageId, which the service deduplicates. Any other
/// POST, PATCH or DELETE may have taken effect before its answer was lost, so it is never sent twice.
/// </summary>
public static class ChatRetryRules
{
    /// <summary>Marks a request as safe to repeat although its method is not.</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Chat.Client.Idempotent");

    /// <summary>Narrows <paramref name="retry"/>'s own choice of failures to requests that may be repeated.</summary>
    public static void Apply(HttpRetryStrategyOptions retry)
    {
        var transient = retry.ShouldHandle;
        retry.ShouldHandle = async args => MayRepeat(args.Context.GetRequestMessage()) && await transient(args);
    }

    private static bool MayRepeat(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get
            || request.Method == HttpMethod.Head
            || request.Method == HttpMethod.Put
            || (request.Options.TryGetValue(Idempotent, out var idempotent) && idempotent));
}
