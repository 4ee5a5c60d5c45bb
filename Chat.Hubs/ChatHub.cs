using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Activity;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Chat.Hubs.Presence;
using Chat.Hubs.Reactions;
using Chat.Hubs.Receipts;
using Chat.Hubs.Rooms;
using Chat.Hubs.Typing;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs;

/// <summary>
/// The real-time door to the chat: each method authorizes, calls a service and returns. The
/// rules live in the services, which the REST API calls too. Only signed-in users reach it (see
/// <see cref="ChatHubsExtensions.MapChatHub"/>).
/// </summary>
public sealed class ChatHub(
    MembershipService membership,
    MessageService messageService,
    MembershipRepository memberships,
    PresenceService presence,
    TypingService typing,
    ConnectionLimiter connectionLimiter,
    ActivityLog activity,
    ILogger<ChatHub> logger) : Hub<IChatClient>
{
    private Caller Caller => Caller.Of(Context);

    private Guid UserId => Caller.Of(Context.User!).UserId;

    public override async Task OnConnectedAsync()
    {
        var userId = UserId;
        await Groups.AddToGroupAsync(Context.ConnectionId, RoomGroup.OfUser(userId));

        // Registered before the rooms are read: a join committed meanwhile either shows up in the
        // read or finds this connection in the registry, so no room is missed.
        try
        {
            await presence.RegisterAsync(userId, Context.ConnectionId);
            await connectionLimiter.EnsureWithinLimitAsync(userId);
            var roomIds = await memberships.RoomIdsOfAsync(userId, Context.ConnectionAborted);
            // In parallel: with Redis each group is a subscription round trip, and a user may be in many rooms.
            await Task.WhenAll(roomIds.Select(roomId => Groups.AddToGroupAsync(Context.ConnectionId, RoomGroup.Name(roomId))));
            await presence.SettleAsync(userId, roomIds, Context.ConnectionAborted);
            activity.Record(userId, ActivityActions.Connect);
            // The client's address as the proxy in front saw it (see ForwardedHeaders): what an
            // operator needs to trace a connection to a person or to abuse.
            logger.LogInformation(
                "Connection {ConnectionId} of user {UserId} opened from {RemoteIp} over {Transport}",
                Context.ConnectionId,
                userId,
                Context.GetHttpContext()?.Connection.RemoteIpAddress,
                Context.Features.Get<IHttpTransportFeature>()?.TransportType);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection that failed to connect.
            await presence.DisconnectedAsync(userId, Context.ConnectionId);
            throw;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        activity.Record(UserId, ActivityActions.Disconnect);
        return presence.DisconnectedAsync(UserId, Context.ConnectionId);
    }

    public Task<RoomSnapshot> JoinRoom(string roomId) =>
        membership.JoinWithSnapshotAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    public Task LeaveRoom(string roomId) =>
        membership.LeaveAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    // Once the message is queued, the connection's next call may run (see InvocationOrder).
    public Task<MessageAck> SendMessage(SendMessageRequest request) =>
        messageService.SendAsync(
            Caller,
            request ?? throw ChatException.Invalid("a message is required"),
            InvocationOrder.TurnOf(Context).Pass,
            Context.ConnectionAborted);

    public Task<MessageDto[]> GetHistory(string roomId, long? beforeSeq, int limit) =>
        messageService.HistoryAsync(Caller, WireIds.Parse(roomId, "roomId"), beforeSeq, afterSeq: null, limit, Context.ConnectionAborted);

    public Task<SyncResult> Sync(SyncRequest request) =>
        messageService.SyncAsync(Caller, request ?? throw ChatException.Invalid("rooms is required"), Context.ConnectionAborted);

    public Task StartTyping(string roomId) =>
        typing.StartAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    public Task StopTyping(string roomId) =>
        typing.StopAsync(Caller, WireIds.Parse(roomId, "roomId"), Context.ConnectionAborted);

    public Task SetPresence(string status) =>
        presence.SetAsync(Caller, PresenceRules.ParseChoice(status), Context.ConnectionAborted);

    // The services below come in per method ([FromServices]): each serves a couple of methods
    // only, so the hub's constructor does not grow with every feature.
    public Task MarkDelivered(string roomId, long seq, [FromServices] ReceiptService receipts) =>
        receipts.MarkDeliveredAsync(Caller, WireIds.Parse(roomId, "roomId"), seq, Context.ConnectionAborted);

    public Task MarkRead(string roomId, long seq, [FromServices] ReceiptService receipts) =>
        receipts.MarkReadAsync(Caller, WireIds.Parse(roomId, "roomId"), seq, Context.ConnectionAborted);

    public async Task EditMessage(string roomId, string messageId, string content, [FromServices] MessageEditService edits) =>
        await edits.EditAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), content, Context.ConnectionAborted);

    public Task DeleteMessage(string roomId, string messageId, [FromServices] MessageEditService edits) =>
        edits.DeleteAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), Context.ConnectionAborted);

    public Task AddReaction(string roomId, string messageId, string emoji, [FromServices] ReactionService reactions) =>
        reactions.AddAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), emoji, Context.ConnectionAborted);

    public Task RemoveReaction(string roomId, string messageId, string emoji, [FromServices] ReactionService reactions) =>
        reactions.RemoveAsync(Caller, WireIds.Parse(roomId, "roomId"), WireIds.Parse(messageId, "messageId"), emoji, Context.ConnectionAborted);
}
