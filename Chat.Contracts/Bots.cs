using MessagePack;

namespace Chat.Contracts;

/// <summary>Where a reply stands; every message that is not a bot's reply is <see cref="Complete"/>.</summary>
public enum MessageStatus
{
    Complete,
    Streaming,
    Error,
    Cancelled,
}

/// <summary>When the bots of a room reply.</summary>
public enum BotReplies
{
    /// <summary>To messages that mention them (<c>@userName</c>) or are addressed to them.</summary>
    Mentions,

    /// <summary>To every member's message.</summary>
    All,

    /// <summary>Never.</summary>
    Off,
}

/// <summary>The kinds of a stored part of a reply (<see cref="MessagePartDto.Kind"/>) and of a streamed one (<see cref="MessageStreamingEvent.Kind"/>).</summary>
public static class PartKinds
{
    /// <summary>Stored text.</summary>
    public const string Text = "text";

    /// <summary>Streamed text, appended to the last text part.</summary>
    public const string TextDelta = "text_delta";

    /// <summary>The bot calls a tool.</summary>
    public const string ToolCall = "tool_call";

    /// <summary>What the tool answered.</summary>
    public const string ToolResult = "tool_result";
}

/// <summary>One thing a bot produced in a reply, in order: text, a tool call or a tool's result.</summary>
[MessagePackObject]
public sealed record MessagePartDto(
    [property: Key("kind")] string Kind,
    [property: Key("text")] string? Text = null,
    [property: Key("callId")] string? CallId = null,
    [property: Key("name")] string? Name = null,
    [property: Key("arguments")] string? Arguments = null,
    [property: Key("result")] string? Result = null,
    [property: Key("isError")] bool? IsError = null);

/// <summary>Why a reply ended with <see cref="MessageStatus.Error"/>.</summary>
[MessagePackObject]
public sealed record MessageErrorDto(
    [property: Key("code")] string Code,
    [property: Key("message")] string Message);

/// <summary>A part of a reply being streamed; <see cref="Index"/> counts from 0 per reply without gaps.</summary>
[MessagePackObject]
public sealed record MessageStreamingEvent(
    [property: Key("roomId")] Guid RoomId,
    [property: Key("messageId")] Guid MessageId,
    [property: Key("index")] int Index,
    [property: Key("kind")] string Kind,
    [property: Key("text")] string? Text = null,
    [property: Key("callId")] string? CallId = null,
    [property: Key("name")] string? Name = null,
    [property: Key("arguments")] string? Arguments = null,
    [property: Key("result")] string? Result = null,
    [property: Key("isError")] bool? IsError = null);

/// <summary>Body of <c>POST /api/rooms/{id}/bots</c>.</summary>
[MessagePackObject]
public sealed record AddBotRequest([property: Key("userName")] string? UserName);

/// <summary>
/// Opens a message that the caller streams (hub method <c>StreamMessage</c>); with
/// <see cref="ThreadRootId"/> it is a reply in that thread, under the rules of a sent one.
/// </summary>
[MessagePackObject]
public sealed record StreamMessageRequest(
    [property: Key("roomId")] string? RoomId,
    [property: Key("clientMessageId")] string? ClientMessageId,
    [property: Key("toUserId")] string? ToUserId = null,
    [property: Key("replyToId")] string? ReplyToId = null,
    [property: Key("threadRootId")] string? ThreadRootId = null);

/// <summary>One part of a streamed message, as its producer sends it: <c>text_delta</c>, <c>tool_call</c> or <c>tool_result</c>.</summary>
[MessagePackObject]
public sealed record StreamPart(
    [property: Key("kind")] string? Kind,
    [property: Key("text")] string? Text = null,
    [property: Key("callId")] string? CallId = null,
    [property: Key("name")] string? Name = null,
    [property: Key("arguments")] string? Arguments = null,
    [property: Key("result")] string? Result = null,
    [property: Key("isError")] bool? IsError = null);
