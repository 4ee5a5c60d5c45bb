using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;

namespace Chat.Hubs.Bots;

/// <summary>
/// One bot's reply to one trigger, from its first row to its last event: the reply is stored at
/// once (seq, <c>streaming</c>) and announced with <c>MessageReceived</c>, grows by
/// <c>MessageStreaming</c> events as the model produces it, is stored again every
/// <see cref="BotRunOptions.SaveEvery"/> (where a stop asked on any node is noticed), and ends once
/// with <c>MessageUpdated</c>: complete, cancelled, or an error with the text so far.
/// </summary>
public sealed partial class ReplyRun(
    ReplyRepository replies,
    MessageRepository messages,
    RoomBroadcaster broadcaster,
    BotTools tools,
    RunningReplies running,
    IOptions<BotRunOptions> options,
    TimeProvider clock,
    ILogger<ReplyRun> logger)
{
    private static readonly Regex ModelAuthorName = new("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

    /// <summary>Runs <paramref name="bot"/>'s reply to <paramref name="trigger"/> to its end; never throws.</summary>
    public async Task RunAsync(DeclaredBot bot, StoredMessage trigger, CancellationToken stopping)
    {
        // The reply to a private message is private to its sender.
        var toUserId = trigger.ToUserId is null ? (Guid?)null : trigger.SenderId;
        StoredMessage? reply;
        try
        {
            reply = await replies.StartAsync(Guid.NewGuid(), trigger.RoomId, bot.UserId, toUserId, trigger.Id, clock.UtcNowAsStored(), stopping);
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

        await broadcaster.MessageStoredAsync(reply.ToDto(), sendingConnectionId: null);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        run.CancelAfter(TimeSpan.FromSeconds(bot.Definition.TimeoutSeconds));
        var handle = new ReplyHandle(run);
        running.Track(reply.Id, handle);
        var stream = new ReplyStream(reply.RoomId, reply.Id);
        var ending = new ReplyEnding(handle);
        try
        {
            var audience = await broadcaster.ReplyAudienceAsync(reply.RoomId, bot.UserId, toUserId);
            var model = ProduceAsync(bot, trigger, reply.Id, stream, run.Token);
            await PumpAsync(reply.Id, stream, audience, model, run, ending);
            await ObserveAsync(model, ending, run.Token, stopping);
        }
        finally
        {
            running.Forget(reply.Id);
        }

        await FinishAsync(reply, stream, ending);
    }

    /// <summary>Asks the model and adds what it produces to <paramref name="stream"/>.</summary>
    private async Task ProduceAsync(DeclaredBot bot, StoredMessage trigger, Guid replyId, ReplyStream stream, CancellationToken cancellationToken)
    {
        // Off the caller's thread: the run goes on while the model is being asked.
        await Task.Yield();
        var history = await HistoryAsync(bot, trigger, replyId, cancellationToken);
        var request = new AiChatOptions
        {
            Tools = tools.For(bot.Definition),
            MaxOutputTokens = bot.Definition.MaxOutputTokens,
            ModelId = bot.Definition.Model,
        };
        await foreach (var update in bot.Client.GetStreamingResponseAsync(history, request, cancellationToken))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        stream.AddText(text.Text);
                        break;
                    case FunctionCallContent call:
                        stream.AddToolCall(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>()));
                        break;
                    case FunctionResultContent result:
                        stream.AddToolResult(result.CallId, ResultText(result.Result), result.Exception is not null);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Sends the queued events every delta interval and stores the reply every save interval until
    /// the model is done; a stop asked on any node shows in the save's answer.
    /// </summary>
    private async Task PumpAsync(
        Guid replyId, ReplyStream stream, Chat.Contracts.IChatClient audience, Task model, CancellationTokenSource run, ReplyEnding ending)
    {
        var options1 = options.Value;
        var lastSave = clock.GetTimestamp();
        while (true)
        {
            var done = model.IsCompleted;
            foreach (var part in stream.TakeQueued())
            {
                await audience.MessageStreaming(part);
            }

            if (done)
            {
                return;
            }

            if (clock.GetElapsedTime(lastSave) >= options1.SaveEvery)
            {
                lastSave = clock.GetTimestamp();
                await SaveAsync(replyId, stream, run, ending);
            }

            await Task.WhenAny(model, Task.Delay(options1.DeltaInterval, clock));
        }
    }

    private async Task SaveAsync(Guid replyId, ReplyStream stream, CancellationTokenSource run, ReplyEnding ending)
    {
        try
        {
            var stopRequested = await replies.SaveAsync(replyId, stream.Snapshot(), clock.UtcNowAsStored());
            if (stopRequested is null)
            {
                // A sweeper took the reply for an orphan (this node was away too long): it is over.
                ending.EndedElsewhere = true;
                await run.CancelAsync();
            }
            else if (stopRequested.Value)
            {
                ending.StopRequested = true;
                await run.CancelAsync();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next save tries again; the text is kept in memory meanwhile.
            LogSaveFailed(logger, e, replyId);
        }
    }

    /// <summary>Decides how the reply ends from how the model's task ended.</summary>
    private async Task ObserveAsync(Task model, ReplyEnding ending, CancellationToken run, CancellationToken stopping)
    {
        try
        {
            await model;
            ending.Status = MessageStatus.Complete;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            (ending.Status, ending.Error) = ending switch
            {
                { StopRequested: true } => (MessageStatus.Cancelled, null),
                _ when stopping.IsCancellationRequested => (MessageStatus.Error, new MessageErrorDto(ErrorCodes.Unavailable, "the bot's node stopped")),
                { EndedElsewhere: true } => (MessageStatus.Error, null),
                // Not asked through the database: a stop on this node, or the run's time was up.
                _ when ending.StoppedHere => (MessageStatus.Cancelled, null),
                _ => (MessageStatus.Error, new MessageErrorDto(ErrorCodes.Unavailable, "the reply took too long")),
            };
        }
        catch (Exception e)
        {
            LogModelFailed(logger, e);
            ending.Status = MessageStatus.Error;
            ending.Error = new MessageErrorDto(ErrorCodes.Unavailable, "the model provider failed");
        }
    }

    private async Task FinishAsync(StoredMessage reply, ReplyStream stream, ReplyEnding ending)
    {
        if (ending.EndedElsewhere)
        {
            return;
        }

        try
        {
            var final = await replies.FinishAsync(reply.Id, ending.Status, stream.Snapshot(), ending.Error, clock.UtcNowAsStored());
            if (final is not null)
            {
                await broadcaster.MessageEditedAsync(final.ToDto());
            }
        }
        catch (Exception e)
        {
            // Left streaming: the sweeper of some node ends it as an orphan.
            LogFinishFailed(logger, e, reply.Id);
        }
    }

    /// <summary>
    /// The bot's system prompt, then the room's recent messages that the trigger's sender may see
    /// (never another's private messages, nor those of users they blocked), oldest first.
    /// </summary>
    private async Task<List<ChatMessage>> HistoryAsync(DeclaredBot bot, StoredMessage trigger, Guid replyId, CancellationToken cancellationToken)
    {
        var history = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(bot.Definition.SystemPrompt))
        {
            history.Add(new ChatMessage(ChatRole.System, bot.Definition.SystemPrompt));
        }

        var recent = await messages.ListAsync(
            trigger.RoomId, trigger.SenderId, beforeSeq: trigger.Seq + 1, afterSeq: null, bot.Definition.HistoryMessages, cancellationToken);
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

    private static string ResultText(object? result) => result switch
    {
        null => "",
        string text => text,
        JsonElement json => json.ValueKind == JsonValueKind.String ? json.GetString() ?? "" : json.GetRawText(),
        _ => JsonSerializer.Serialize(result),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bot {UserName} could not start its reply to {TriggerId}")]
    private static partial void LogNotStarted(ILogger logger, Exception exception, string userName, Guid triggerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing reply {ReplyId} failed; the next save tries again")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, Guid replyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A bot's model failed mid-reply")]
    private static partial void LogModelFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ending reply {ReplyId} failed; the orphan sweeper will end it")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, Guid replyId);

    /// <summary>How a reply ends, as the run learns it.</summary>
    private sealed class ReplyEnding(ReplyHandle handle)
    {
        public MessageStatus Status { get; set; } = MessageStatus.Error;

        public MessageErrorDto? Error { get; set; }

        public bool StopRequested { get; set; }

        public bool StoppedHere => handle.Stopped;

        public bool EndedElsewhere { get; set; }
    }
}
