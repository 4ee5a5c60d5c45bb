using System.Threading.Channels;

namespace Chat.Tests.Client;

/// <summary>
/// Events of one kind that a <see cref="Chat.Client.ChatClient"/> raised, in arrival order, so a
/// test can wait for the next one (with a deadline) or check that none is left.
/// </summary>
public sealed class Heard<T>
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Channel<T> events = Channel.CreateUnbounded<T>();

    /// <summary>The handler to subscribe: <c>client.MessageReceived += heard.Add;</c>.</summary>
    public Task Add(T payload)
    {
        events.Writer.TryWrite(payload);
        return Task.CompletedTask;
    }

    /// <summary>The next event that matches, skipping the others; fails after <paramref name="wait"/>.</summary>
    public async Task<T> NextAsync(Func<T, bool>? match = null, TimeSpan? wait = null)
    {
        using var deadline = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            while (true)
            {
                var payload = await events.Reader.ReadAsync(deadline.Token);
                if (match is null || match(payload))
                {
                    return payload;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No {typeof(T).Name} arrived within {wait ?? DefaultWait}");
        }
    }

    /// <summary>Everything raised and not read yet.</summary>
    public List<T> Drain()
    {
        var rest = new List<T>();
        while (events.Reader.TryRead(out var payload))
        {
            rest.Add(payload);
        }

        return rest;
    }
}
