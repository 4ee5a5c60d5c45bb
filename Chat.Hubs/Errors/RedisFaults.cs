using System.Diagnostics;
using StackExchange.Redis;

namespace Chat.Hubs.Errors;

/// <summary>
/// Which exceptions mean that Redis failed, wherever the service goes on without it. Besides its
/// own exceptions and time-outs, the Redis client ends a command cut off by a connection torn
/// down under it as a cancelled task, and can even throw <see cref="InvalidOperationException"/>
/// from the pipe of a connection being torn down; neither is a fault of the caller.
/// </summary>
public static class RedisFaults
{
    private static readonly string[] ClientNamespaces = ["StackExchange.Redis", "Pipelines.Sockets.Unofficial"];

    /// <summary>True when <paramref name="exception"/> is Redis failing.</summary>
    public static bool IsFault(Exception exception) =>
        exception is RedisException or TimeoutException or OperationCanceledException
        || (exception is InvalidOperationException && ThrownByClient(exception));

    /// <summary>
    /// As <see cref="IsFault(Exception)"/>, except for a cancellation that <paramref name="requested"/>
    /// asked for: the caller going away is not an outage.
    /// </summary>
    public static bool IsFault(Exception exception, CancellationToken requested) =>
        IsFault(exception) && !(exception is OperationCanceledException && requested.IsCancellationRequested);

    private static bool ThrownByClient(Exception exception) =>
        new StackTrace(exception).GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType?.Namespace is { } name
            && ClientNamespaces.Any(client => name.StartsWith(client, StringComparison.Ordinal)));
}
