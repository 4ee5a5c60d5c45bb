using Chat.Hubs.Errors;

namespace Chat.Hubs.Rooms;

/// <summary>
/// How member lists and receipts are paged (<c>?limit=&amp;after=</c>): in user id order, a page at
/// most <see cref="MaxSize"/> long, the next one asked for after the last user id of the one before.
/// A room's <c>memberCount</c> says how many there are in all.
/// </summary>
public static class MemberPages
{
    /// <summary>A page when the caller names no limit, and the first page of a room snapshot.</summary>
    public const int DefaultSize = 200;

    /// <summary>The longest page.</summary>
    public const int MaxSize = 1000;

    /// <summary>The page size for <paramref name="limit"/>; <c>invalid</c> outside 1 to <see cref="MaxSize"/>.</summary>
    public static int Size(int? limit) => limit switch
    {
        null => DefaultSize,
        >= 1 and <= MaxSize => limit.Value,
        _ => throw ChatException.Invalid($"limit must be between 1 and {MaxSize}"),
    };
}
