using Chat.Contracts;
using Chat.Hubs.Bots;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Chat.Hubs.Presence;
using Chat.Hubs.Reactions;
using Chat.Hubs.Receipts;
using Chat.Hubs.Rooms;
using Chat.Hubs.Threads;
using Chat.Hubs.Typing;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs;

/// <summary>
/// The real-time door to the chat: each method parses its arguments, calls a service with the
/// <see cref="Caller"/> and returns. The rules live in the services, which the REST API calls too.
/// Only signed-in users reach it (see <see cref="ChatHubsExtensions.MapChatHub"/>).
/// </summary>
public sealed class ChatHub(
    ConnectionLifecycle lifecycle,
    MembershipService membership,
    MessageSender sender,
    MessageHistory history,
    MessageEditService edits,
    PinService pins,
    ReactionService reactions,
    ReceiptService receipts,
    PresenceService presence,
    TypingService typing,
    ReplyStops replyStops,
    MessageStreamer streamer,
    ThreadService threads) : Hub<IChatClient>, IChatHub
{
    private Caller Caller => Caller.Of(Context);

    public override Task OnConnectedAsync() =>
        lifecycle.OpenedAsync(
            Caller,
            Context.GetHttpContext()?.Connection.RemoteIpAddress,
            Context.Features.Get<IHttpTransportFeature>()?.TransportType,
            Context.ConnectionAborted);

    public override Task OnDisconnectedAsync(Exception? exception) => lifecycle.ClosedAsync(Caller);

    [HubBudget(Budget.Membership)]
    public Task<RoomSnapshot> JoinRoom(string roomId) =>
        membership.JoinWithSnapshotAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    [HubBudget(Budget.Membership)]
    public Task LeaveRoom(string roomId) =>
        membership.LeaveAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    // Spends the Messages budget inside MessageSender, which gives a resend's permit back.
    // Once the message is queued, the connection's next call may run (see SequentialInvocationFilter).
    public Task<MessageAck> SendMessage(SendMessageRequest request) =>
        sender.SendAsync(
            Caller,
            request ?? throw ChatException.Invalid("a message is required"),
            SequentialInvocationFilter.SlotOf(Context).Release,
            Context.ConnectionAborted);

    [HubBudget(Budget.History)]
    public Task<MessageDto[]> GetHistory(string roomId, long? beforeSeq, int limit) =>
        history.HistoryAsync(Caller, WireIds.Parse(roomId, "roomId"), beforeSeq, afterSeq: null, limit, Context.ConnectionAborted);

    [HubBudget(Budget.History)]
    public Task<SyncResult> Sync(SyncRequest request) =>
        history.SyncAsync(Caller, request ?? throw ChatException.Invalid("rooms is required"), Context.ConnectionAborted);

    [HubBudget(Budget.Typing)]
    public Task StartTyping(string roomId) =>
        typing.StartAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    [HubBudget(Budget.Typing)]
    public Task StopTyping(string roomId) =>
        typing.StopAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    [HubBudget(Budget.Presence)]
    public Task SetPresence(string status) =>
        presence.SetAsync(Caller, PresenceRules.ParseChoice(status), Context.ConnectionAborted);

    // Watching goes with showing a member list, which the History budget counts.
    [HubBudget(Budget.History)]
    public Task WatchPresence(string roomId, bool watching) =>
        presence.WatchAsync(Caller, Context.ConnectionId, WireIds.Parse(roomId, "roomId"), watching, Context.ConnectionAborted);

    [HubBudget(Budget.Receipts)]
    public Task MarkDelivered(string roomId, long seq) =>
        receipts.MarkDeliveredAsync(Caller, WireIds.Parse(roomId, "roomId"), seq, Context.ConnectionAborted);

    [HubBudget(Budget.Receipts)]
    public Task MarkRead(string roomId, long seq) =>
        receipts.MarkReadAsync(Caller, WireIds.Parse(roomId, "roomId"), seq, Context.ConnectionAborted);

    [HubBudget(Budget.Edits)]
    public async Task EditMessage(string roomId, string messageId, string content) =>
        await edits.EditAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), content, Context.ConnectionAborted);

    [HubBudget(Budget.Edits)]
    public Task DeleteMessage(string roomId, string messageId) =>
        edits.DeleteAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), Context.ConnectionAborted);

    // A pin changes a message as an edit does, and spends the same budget.
    [HubBudget(Budget.Edits)]
    public Task PinMessage(string roomId, string messageId) =>
        pins.PinAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), Context.ConnectionAborted);

    [HubBudget(Budget.Edits)]
    public Task UnpinMessage(string roomId, string messageId) =>
        pins.UnpinAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), Context.ConnectionAborted);

    [HubBudget(Budget.Reactions)]
    public Task AddReaction(string roomId, string messageId, string emoji) =>
        reactions.AddAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), emoji, Context.ConnectionAborted);

    [HubBudget(Budget.Reactions)]
    public Task RemoveReaction(string roomId, string messageId, string emoji) =>
        reactions.RemoveAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), emoji, Context.ConnectionAborted);

    // Spends from the messages budget itself, as SendMessage does (a repeated stream gets it back).
    public Task<MessageAck> StreamMessage(StreamMessageRequest request, IAsyncEnumerable<StreamPart> parts) =>
        streamer.StreamAsync(Caller, request, parts, Context.ConnectionAborted);

    [HubBudget(Budget.History)]
    public Task<ThreadPage> GetThread(string roomId, string rootId, long? afterSeq) =>
        threads.GetAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(rootId, "rootId"), afterSeq, cancellationToken: Context.ConnectionAborted);

    [HubBudget(Budget.Receipts)]
    public Task MarkThreadRead(string roomId, string rootId, long seq) =>
        threads.MarkReadAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(rootId, "rootId"), seq, Context.ConnectionAborted);

    [HubBudget(Budget.Edits)]
    public Task StopReply(string roomId, string messageId) =>
        replyStops.StopAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), Context.ConnectionAborted);
}
