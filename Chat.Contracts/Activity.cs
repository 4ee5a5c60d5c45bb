namespace Chat.Contracts;

/// <summary>A row of <c>GET /api/admin/activity</c>: how often an action happened on a UTC day.</summary>
public sealed record ActivityCountDto(DateOnly Day, string Action, long Count);
