using Chat.Bench.Load;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Targets;

/// <summary>
/// How a connected user makes sure it is in its room's group on each kind of target, so that no
/// message sent after it can miss the user. By the target's name, so that a load worker (another
/// process, without the target) does it the same way.
/// </summary>
public static class MembershipConfirmation
{
    public static Task ConfirmAsync(string targetName, SimulatedUser user, Guid roomId, CancellationToken cancellationToken) => targetName switch
    {
        // Invocations of one connection run in order after OnConnected, which adds the connection
        // to its rooms' groups: once a one-message history read returns, the groups are in place.
        "ours" => user.Hub.InvokeAsync<MessageDto[]>(nameof(IChatHub.GetHistory), roomId.ToString(), null, 1, cancellationToken),
        "baseline" => user.Hub.InvokeAsync(nameof(IChatHub.JoinRoom), roomId.ToString(), cancellationToken),
        "socketio" => ((SocketIoConnection)user.Connection).JoinAsync(roomId.ToString(), cancellationToken),
        _ => throw new ArgumentException($"unknown target '{targetName}'", nameof(targetName)),
    };
}
