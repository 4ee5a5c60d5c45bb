namespace Chat.Tests.Infrastructure;

/// <summary>The two ways a member's client stops taking its data.</summary>
public enum StuckClient
{
    /// <summary>Stops reading its socket: the server's buffers for it fill and its writes wait.</summary>
    StopsReading,

    /// <summary>
    /// Negotiates stateful reconnect and reads everything but never acknowledges: the server's
    /// replay buffer for it fills and its writes wait for acknowledgements.
    /// </summary>
    NeverAcknowledges,
}
