namespace Chat.Bench.Load;

/// <summary>
/// A simulated user's connection to a target, whatever it speaks (SignalR or Socket.IO): the
/// load only connects and sends; what arrives is handed to the user by the connection itself.
/// </summary>
public interface ILoadConnection : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Sends one text message to the room; completes when the server acknowledged it, throws when it refused or the connection failed.</summary>
    Task SendMessageAsync(string roomId, string clientMessageId, string content);
}
