namespace Chat.Contracts;

/// <summary>Route and method names of the hub, shared by the server and the .NET client.</summary>
public static class ChatHubMethods
{
    public const string Path = "/hubs/chat";

    public const string JoinRoom = nameof(JoinRoom);
    public const string LeaveRoom = nameof(LeaveRoom);
    public const string SendMessage = nameof(SendMessage);
    public const string GetHistory = nameof(GetHistory);
    public const string Sync = nameof(Sync);
    public const string StartTyping = nameof(StartTyping);
    public const string StopTyping = nameof(StopTyping);
    public const string SetPresence = nameof(SetPresence);
    public const string EditMessage = nameof(EditMessage);
    public const string DeleteMessage = nameof(DeleteMessage);
    public const string MarkDelivered = nameof(MarkDelivered);
    public const string MarkRead = nameof(MarkRead);
    public const string AddReaction = nameof(AddReaction);
    public const string RemoveReaction = nameof(RemoveReaction);
}
