using Chat.Bench.Load;
using Chat.Hubs.Bots;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

public sealed class ScriptedChatClientTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task Streams_what_it_was_told_word_by_word()
    {
        var words = await StreamAsync(new ScriptedChatClient(TimeSpan.Zero, clock), "hello there");

        Assert.Equal(["You", " said:", " hello", " there"], words);
    }

    [Fact]
    public async Task Stamped_words_carry_the_clock_when_each_was_made_in_the_form_the_bench_reads()
    {
        var client = new ScriptedChatClient(TimeSpan.FromMilliseconds(250), clock, stampWords: true);
        var start = clock.GetUtcNow();
        var stream = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "one two")]).GetAsyncEnumerator();
        var stamps = new List<long>();
        var texts = new List<string>();
        while (true)
        {
            var next = stream.MoveNextAsync().AsTask();
            // Each word waits out its delay on the clock the stamp is read from.
            if (!next.IsCompleted)
            {
                clock.Advance(TimeSpan.FromMilliseconds(250));
            }

            if (!await next.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                break;
            }

            if (stream.Current.Text is { Length: > 0 } text)
            {
                Assert.True(BenchBot.TryReadStamp(text, out var stamp), text);
                stamps.Add(stamp);
                texts.Add(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            }
        }

        Assert.Equal(["You", "said:", "one", "two"], texts);
        var startMicros = (start - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        Assert.Equal([startMicros + 250_000, startMicros + 500_000, startMicros + 750_000, startMicros + 1_000_000], stamps);
    }

    private static async Task<List<string>> StreamAsync(ScriptedChatClient client, string asked)
    {
        var words = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, asked)]))
        {
            if (update.Text is { Length: > 0 } text)
            {
                words.Add(text);
            }
        }

        return words;
    }
}
