using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;

namespace Chat.Hubs.Bots;

/// <summary>
/// The built-in provider: no model, a fixed and predictable behaviour, for demos, the run script,
/// tests and the bench. It streams its answer word by word. When asked for the time (the last
/// message mentions "time") and it may call <c>current_time</c>, it calls that tool first and
/// answers with its result; otherwise it answers with what it was told. With
/// <paramref name="stampWords"/> each word carries the clock when it was made (see
/// <see cref="BotDefinition.StampWords"/>).
/// </summary>
public sealed class ScriptedChatClient(TimeSpan wordDelay, TimeProvider clock, bool stampWords = false) : Microsoft.Extensions.AI.IChatClient
{
    private int calls;

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, AiChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, AiChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var toolResult = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
        var asked = history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        if (toolResult is null && asked.Contains("time", StringComparison.OrdinalIgnoreCase)
            && options?.Tools?.Any(t => t.Name == BotTools.CurrentTime) == true)
        {
            var callId = $"call-{Interlocked.Increment(ref calls)}";
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent(callId, BotTools.CurrentTime, new Dictionary<string, object?>())])
            {
                FinishReason = ChatFinishReason.ToolCalls,
            };
            yield break;
        }

        var answer = toolResult is not null ? $"The time is {toolResult.Result}." : $"You said: {Quote(asked)}";
        var words = answer.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (wordDelay > TimeSpan.Zero)
            {
                await Task.Delay(wordDelay, clock, cancellationToken);
            }

            var word = stampWords ? Stamped(words[i], clock.GetUtcNow()) : words[i];
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? word : " " + word);
        }

        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static string Stamped(string word, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{(now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond}:{word}");

    // What it was told, minus the mention that made it answer.
    private static string Quote(string text) => text.Trim();
}
