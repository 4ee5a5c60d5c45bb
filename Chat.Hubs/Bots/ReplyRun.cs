using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Data;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;

namespace Chat.Hubs.Bots;

/// <summary>
/// One bot's reply to one trigger: its row is started (the reply to a private message is private
/// to its sender), the model is given the bot's system prompt and the history the trigger's
/// sender may see, and what it produces streams through <see cref="MessageStreamRun"/>.
/// </summary>
public sealed partial class ReplyRun(
    ReplyRepository replies,
    MessageRepository messages,
    ThreadRepository threads,
    MessageStreamRun streams,
    BotTools tools,
    McpToolbox mcpTools,
    ChatMetrics metrics,
    TimeProvider clock,
    ILogger<ReplyRun> logger)
{
    private static readonly Regex ModelAuthorName = new("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

    /// <summary>Runs <paramref name="bot"/>'s reply to <paramref name="trigger"/> to its end; never throws.</summary>
    public async Task RunAsync(DeclaredBot bot, StoredMessage trigger, CancellationToken stopping)
    {
        StoredMessage? reply;
        try
        {
            reply = (await replies.StartAsync(
                bot.ReplyTo(trigger, clock.UtcNowAsStored()),
                cancellationToken: stopping))?.Message;
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LogNotStarted(logger, e, bot.UserName, trigger.Id);
            return;
        }

        if (reply is null)
        {
            return;
        }

        try
        {
            var final = await streams.RunAsync(
                reply,
                (stream, token) => ProduceAsync(bot, trigger, reply.Id, stream, token),
                TimeSpan.FromSeconds(bot.Definition.TimeoutSeconds),
                "the model provider failed",
                sendingConnectionId: null,
                stopping);
            metrics.BotReplyEnded(final is null ? "error" : final.Status.ToString().ToLowerInvariant());
        }
        catch (Exception e)
        {
            // Broadcasting its start failed: the sweeper ends it.
            LogNotStarted(logger, e, bot.UserName, trigger.Id);
        }
    }

    /// <summary>Asks the model and adds what it produces to <paramref name="stream"/>.</summary>
    private async Task ProduceAsync(DeclaredBot bot, StoredMessage trigger, Guid replyId, ReplyStream stream, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(bot, trigger, replyId, cancellationToken);
        var builtIn = tools.For(bot.Definition, trigger.RoomId, trigger.SenderId);
        var request = new AiChatOptions
        {
            Tools = [.. builtIn, .. await mcpTools.ToolsAsync(bot.Definition, [.. builtIn.Select(t => t.Name)], cancellationToken)],
            MaxOutputTokens = bot.Definition.MaxOutputTokens,
            ModelId = bot.Definition.Model,
        };
        var asked = clock.GetTimestamp();
        try
        {
            await foreach (var update in bot.Client.GetStreamingResponseAsync(history, request, cancellationToken))
            {
                foreach (var content in update.Contents)
                {
                    if (!stream.Started && content is TextContent or FunctionCallContent)
                    {
                        metrics.BotFirstToken(clock.GetElapsedTime(asked));
                    }

                    switch (content)
                    {
                        case TextContent text:
                            stream.AddText(text.Text);
                            break;
                        case FunctionCallContent call:
                            metrics.BotToolCalled();
                            stream.AddToolCall(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>()));
                            break;
                        case FunctionResultContent result:
                            stream.AddToolResult(result.CallId, ResultText(result.Result), result.Exception is not null);
                            break;
                        case UsageContent usage:
                            metrics.BotTokens(usage.Details.InputTokenCount ?? 0, usage.Details.OutputTokenCount ?? 0);
                            break;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.BotProviderFailed();
            throw;
        }
    }

    /// <summary>
    /// The bot's system prompt, then the recent messages that the trigger's sender may see (never
    /// another's private messages, nor those of users they blocked), oldest first: of the room's
    /// main list, or of the thread (its root first) when the trigger is a thread reply.
    /// </summary>
    private async Task<List<ChatMessage>> HistoryAsync(DeclaredBot bot, StoredMessage trigger, Guid replyId, CancellationToken cancellationToken)
    {
        var history = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(bot.Definition.SystemPrompt))
        {
            history.Add(new ChatMessage(ChatRole.System, bot.Definition.SystemPrompt));
        }

        var recent = await RecentAsync(bot, trigger, cancellationToken);
        foreach (var message in recent)
        {
            if (message.Deleted || message.Id == replyId || message.Type is not (MessageType.Text or MessageType.Image or MessageType.File)
                || string.IsNullOrEmpty(message.Content))
            {
                continue;
            }

            var fromBot = message.SenderId == bot.UserId;
            history.Add(new ChatMessage(fromBot ? ChatRole.Assistant : ChatRole.User, message.Content)
            {
                AuthorName = !fromBot && ModelAuthorName.IsMatch(message.SenderName) ? message.SenderName : null,
            });
        }

        return history;
    }

    private async Task<IReadOnlyList<StoredMessage>> RecentAsync(DeclaredBot bot, StoredMessage trigger, CancellationToken cancellationToken)
    {
        var count = bot.Definition.HistoryMessages;
        if (trigger.ThreadRootId is not { } rootId)
        {
            return await messages.ListAsync(
                trigger.RoomId, trigger.SenderId, beforeSeq: trigger.Seq + 1, afterSeq: null, count, mainList: true, cancellationToken);
        }

        var root = await messages.FindAsync(trigger.RoomId, rootId, trigger.SenderId, cancellationToken);
        var replies = await threads.LatestRepliesAsync(
            trigger.RoomId, rootId, trigger.SenderId, beforeSeq: trigger.Seq + 1, Math.Max(count - 1, 1), cancellationToken);
        return root is null ? replies : [root, .. replies];
    }

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement json => json.ValueKind == JsonValueKind.String ? json.GetString() ?? "" : json.GetRawText(),
        _ => JsonSerializer.Serialize(result),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bot {UserName} could not start its reply to {TriggerId}")]
    private static partial void LogNotStarted(ILogger logger, Exception exception, string userName, Guid triggerId);
}
