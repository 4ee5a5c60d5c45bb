namespace Chat.Bench.Load;

/// <summary>How a room member's client stops taking its data (see <see cref="RawHubConnection"/>).</summary>
public enum StuckKind
{
    /// <summary>No member is stuck.</summary>
    None,

    /// <summary>Stops reading its socket: the server's buffers for it fill and its writes wait.</summary>
    StopsReading,

    /// <summary>
    /// Negotiates stateful reconnect and reads everything but never acknowledges: the server's
    /// replay buffer for it fills and its writes wait for acknowledgements.
    /// </summary>
    NeverAcknowledges,
}
