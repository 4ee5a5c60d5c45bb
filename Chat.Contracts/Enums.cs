namespace Chat.Contracts;

/// <summary>What a message is; travels as a lowercase string.</summary>
public enum MessageType
{
    Text,
    Image,
    File,
    System,
    Join,
    Leave,
}

/// <summary>A user's presence; <see cref="Offline"/> is set by the server only.</summary>
public enum PresenceStatus
{
    Offline,
    Online,
    Idle,
    Away,
    Dnd,
}

/// <summary>A member's role inside one room.</summary>
public enum RoomRole
{
    Guest,
    Member,
    Moderator,
    Admin,
}

/// <summary>A user's role across the whole service.</summary>
public enum GlobalRole
{
    User,
    Guest,
    Admin,
    Service,

    /// <summary>A bot declared by the operator: it replies in the rooms it was added to.</summary>
    Bot,
}

/// <summary>Why a connection was taken out of a room.</summary>
public enum RemovalReason
{
    Left,
    Kicked,
    Banned,
}
