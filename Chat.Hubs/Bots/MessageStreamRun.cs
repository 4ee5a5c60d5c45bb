using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>
/// A streamed message from its first row to its last event, whoever produces it (a bot's model,
/// a member's <c>StreamMessage</c>): announced with <c>MessageReceived</c> (<c>streaming</c>),
/// grown by <c>MessageStreaming</c> events as parts arrive, stored again every
/// <see cref="BotRunOptions.SaveEvery"/> (where a stop asked on any node is noticed), and ended once
/// with <c>MessageUpdated</c>: complete, cancelled, or an error with the text so far.
/// </summary>
public sealed partial class MessageStreamRun(
    ReplyRepository replies,
    RoomBroadcaster broadcaster,
    RunningReplies running,
    IOptions<BotRunOptions> options,
    TimeProvider clock,
    ILogger<MessageStreamRun> logger)
{
    /// <summary>
    /// Streams into <paramref name="started"/> what <paramref name="produce"/> adds, for at most
    /// <paramref name="timeout"/>; returns the message as it ended (null when someone else ended it).
    /// <paramref name="failure"/> says what failed when <paramref name="produce"/> throws.
    /// </summary>
    public async Task<StoredMessage?> RunAsync(
        StoredMessage started,
        Func<ReplyStream, CancellationToken, Task> produce,
        TimeSpan timeout,
        string failure,
        string? sendingConnectionId,
        CancellationToken stopping)
    {
        await broadcaster.MessageStoredAsync(started.ToDto(), sendingConnectionId);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        run.CancelAfter(timeout);
        var handle = new ReplyHandle(run);
        running.Track(started.Id, handle);
        var stream = new ReplyStream(started.RoomId, started.Id);
        var ending = new Ending(handle);
        try
        {
            var audience = await broadcaster.ReplyAudienceAsync(started.RoomId, started.SenderId, started.ToUserId);
            var producing = Task.Run(() => produce(stream, run.Token), CancellationToken.None);
            await PumpAsync(started.Id, stream, audience, producing, run, ending);
            await ObserveAsync(producing, ending, failure, run.Token, stopping);
        }
        finally
        {
            running.Forget(started.Id);
        }

        return await FinishAsync(started, stream, ending);
    }

    /// <summary>
    /// Sends the queued events every delta interval and stores the message every save interval
    /// until the producer is done; a stop asked on any node shows in the save's answer.
    /// </summary>
    private async Task PumpAsync(
        Guid messageId, ReplyStream stream, IChatClient audience, Task producing, CancellationTokenSource run, Ending ending)
    {
        var limits = options.Value;
        var lastSave = clock.GetTimestamp();
        while (true)
        {
            var done = producing.IsCompleted;
            foreach (var part in stream.TakeQueued())
            {
                await audience.MessageStreaming(part);
            }

            if (done)
            {
                return;
            }

            if (clock.GetElapsedTime(lastSave) >= limits.SaveEvery)
            {
                lastSave = clock.GetTimestamp();
                await SaveAsync(messageId, stream, run, ending);
            }

            await Task.WhenAny(producing, Task.Delay(limits.DeltaInterval, clock));
        }
    }

    private async Task SaveAsync(Guid messageId, ReplyStream stream, CancellationTokenSource run, Ending ending)
    {
        try
        {
            var stopRequested = await replies.SaveAsync(messageId, stream.Snapshot(), clock.UtcNowAsStored());
            if (stopRequested is null)
            {
                // A sweeper took it for an orphan (this node was away too long): it is over.
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
            LogSaveFailed(logger, e, messageId);
        }
    }

    /// <summary>Decides how the message ends from how its producer ended.</summary>
    private async Task ObserveAsync(Task producing, Ending ending, string failure, CancellationToken run, CancellationToken stopping)
    {
        try
        {
            await producing;
            ending.Status = MessageStatus.Complete;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            (ending.Status, ending.Error) = ending switch
            {
                { StopRequested: true } => (MessageStatus.Cancelled, null),
                _ when stopping.IsCancellationRequested => (MessageStatus.Error, new MessageErrorDto(ErrorCodes.Unavailable, "the node stopped")),
                { EndedElsewhere: true } => (MessageStatus.Error, null),
                // Not asked through the database: a stop on this node, or the time was up.
                { StoppedHere: true } => (MessageStatus.Cancelled, null),
                _ => (MessageStatus.Error, new MessageErrorDto(ErrorCodes.Unavailable, "it took too long")),
            };
        }
        catch (ChatException e)
        {
            // The producer broke a rule (a part of no known kind, too much text): said as such.
            ending.Status = MessageStatus.Error;
            ending.Error = new MessageErrorDto(e.Code, e.Message);
        }
        catch (Exception e)
        {
            LogProducerFailed(logger, e, failure);
            ending.Status = MessageStatus.Error;
            ending.Error = new MessageErrorDto(ErrorCodes.Unavailable, failure);
        }
    }

    private async Task<StoredMessage?> FinishAsync(StoredMessage started, ReplyStream stream, Ending ending)
    {
        if (ending.EndedElsewhere)
        {
            return null;
        }

        try
        {
            var final = await replies.FinishAsync(started.Id, ending.Status, stream.Snapshot(), ending.Error, clock.UtcNowAsStored());
            if (final is not null)
            {
                await broadcaster.MessageEditedAsync(final.ToDto());
            }

            return final;
        }
        catch (Exception e)
        {
            // Left streaming: the sweeper of some node ends it as an orphan.
            LogFinishFailed(logger, e, started.Id);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing streamed message {MessageId} failed; the next save tries again")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stream failed mid-message: {Failure}")]
    private static partial void LogProducerFailed(ILogger logger, Exception exception, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ending streamed message {MessageId} failed; the orphan sweeper will end it")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, Guid messageId);

    /// <summary>How a streamed message ends, as the run learns it.</summary>
    private sealed class Ending(ReplyHandle handle)
    {
        public MessageStatus Status { get; set; } = MessageStatus.Error;

        public MessageErrorDto? Error { get; set; }

        public bool StopRequested { get; set; }

        public bool StoppedHere => handle.Stopped;

        public bool EndedElsewhere { get; set; }
    }
}
