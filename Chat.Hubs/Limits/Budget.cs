namespace Chat.Hubs.Limits;

/// <summary>
/// What a rate budget protects. Each is a token bucket per user, or per client address for the
/// doors used before there is a user (registration, guests, sign-in).
/// </summary>
public enum Budget
{
    /// <summary>Sends through either door, and the hub's <c>SendMessage</c>.</summary>
    Messages,

    /// <summary>Joining and leaving rooms.</summary>
    Membership,

    /// <summary>Editing and deleting messages.</summary>
    Edits,

    /// <summary>Adding and removing reactions.</summary>
    Reactions,

    /// <summary>Starting and stopping typing.</summary>
    Typing,

    /// <summary>Setting one's presence.</summary>
    Presence,

    /// <summary>Delivery and read receipts.</summary>
    Receipts,

    /// <summary>Reading history: <c>GetHistory</c>, <c>Sync</c>, member and receipt lists, watching a member list's presence.</summary>
    History,

    /// <summary>Room search.</summary>
    Search,

    /// <summary>Attachment uploads.</summary>
    Uploads,

    /// <summary>Every other REST request of a signed-in user.</summary>
    Requests,

    /// <summary>Accounts registered from one client address.</summary>
    Registrations,

    /// <summary>Guest accounts created from one client address.</summary>
    Guests,

    /// <summary>Failed sign-ins to one account, from anywhere.</summary>
    SignInFailuresPerAccount,

    /// <summary>Failed sign-ins from one client address, to any account.</summary>
    SignInFailuresPerAddress,

    /// <summary>Bot replies one user asks for, in any room.</summary>
    BotTriggersPerUser,

    /// <summary>Bot replies asked for in one room, by anyone.</summary>
    BotTriggersPerRoom,
}

/// <summary>What each budget is called and where it is counted.</summary>
public static class Budgets
{
    /// <summary>
    /// Budgets an attacker could multiply by spreading requests over the nodes: with Redis they
    /// are counted once for the cluster. The others guard a node's own work and stay in memory,
    /// where a check costs no round trip.
    /// </summary>
    public static bool IsClusterWide(this Budget budget) => budget is Budget.Messages
        or Budget.Registrations or Budget.Guests
        or Budget.SignInFailuresPerAccount or Budget.SignInFailuresPerAddress
        or Budget.BotTriggersPerUser or Budget.BotTriggersPerRoom;

    /// <summary>The snake_case name used in metrics, Redis keys and rate limiter policies.</summary>
    public static string Name(this Budget budget) => budget switch
    {
        Budget.Messages => "messages",
        Budget.Membership => "membership",
        Budget.Edits => "edits",
        Budget.Reactions => "reactions",
        Budget.Typing => "typing",
        Budget.Presence => "presence",
        Budget.Receipts => "receipts",
        Budget.History => "history",
        Budget.Search => "search",
        Budget.Uploads => "uploads",
        Budget.Requests => "requests",
        Budget.Registrations => "registrations",
        Budget.Guests => "guests",
        Budget.SignInFailuresPerAccount => "sign_in_account",
        Budget.SignInFailuresPerAddress => "sign_in_address",
        Budget.BotTriggersPerUser => "bot_triggers_user",
        Budget.BotTriggersPerRoom => "bot_triggers_room",
        _ => throw new ArgumentOutOfRangeException(nameof(budget)),
    };

    /// <summary>What the caller is told when the budget is spent.</summary>
    public static string Refusal(this Budget budget) => budget switch
    {
        Budget.Messages => "you are sending too fast",
        Budget.Membership => "you are joining and leaving rooms too fast",
        Budget.Edits => "you are editing and deleting too fast",
        Budget.Reactions => "you are reacting too fast",
        Budget.Typing => "too many typing notices",
        Budget.Presence => "you are changing your presence too fast",
        Budget.Receipts => "too many receipts",
        Budget.History => "you are reading history too fast",
        Budget.Search => "you are searching too fast",
        Budget.Uploads => "you are uploading too fast",
        Budget.Requests => "too many requests",
        Budget.Registrations => "too many accounts registered from your address",
        Budget.Guests => "too many guests created from your address",
        Budget.SignInFailuresPerAccount or Budget.SignInFailuresPerAddress => "too many failed sign-ins",
        Budget.BotTriggersPerUser => "you are asking bots too often",
        Budget.BotTriggersPerRoom => "this room's bots are asked too often",
        _ => throw new ArgumentOutOfRangeException(nameof(budget)),
    };
}
