namespace Chat.Data;

/// <summary>One thing a user did, about to be logged.</summary>
public sealed record ActivityEntry(DateTime At, Guid UserId, Guid? RoomId, string Action);

/// <summary>How often an action happened on one day (UTC).</summary>
public sealed record ActivityCount
{
    public DateTime Day { get; init; }
    public string Action { get; init; } = "";
    public long Count { get; init; }
}
