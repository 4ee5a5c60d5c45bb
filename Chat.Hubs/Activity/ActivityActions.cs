namespace Chat.Hubs.Activity;

/// <summary>The names of logged actions, as stored and reported.</summary>
public static class ActivityActions
{
    public const string Connect = "connect";
    public const string Disconnect = "disconnect";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string Send = "send";
    public const string RoleChange = "role_change";
    public const string Mute = "mute";
    public const string Unmute = "unmute";
    public const string Kick = "kick";
    public const string Ban = "ban";
    public const string Unban = "unban";
}
