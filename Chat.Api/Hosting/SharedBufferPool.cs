namespace Chat.Api.Hosting;

/// <summary>How many buffers of each size the process-wide array pool keeps.</summary>
internal static class SharedBufferPool
{
    private const string ArraysPerPartition = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    // SignalR's WebSocket transport reads each frame into a 4 KiB segment rented from the shared
    // array pool, and the segment goes back on whichever thread consumed it. With many busy
    // connections the runtime's default of 32 arrays per size and core overflows, and most
    // segments are dropped and allocated anew (measured in BENCHMARKS.md). 256 keeps at most
    // 1 MiB of 4 KiB segments per core, and the pool still trims itself under memory pressure.
    private const string Kept = "256";

    /// <summary>
    /// Raises the limit unless the environment sets one. The runtime reads it once, when the pool
    /// is first used, so this must run before anything else in the process.
    /// </summary>
    public static void KeepMoreBuffers()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ArraysPerPartition)))
        {
            Environment.SetEnvironmentVariable(ArraysPerPartition, Kept);
        }
    }
}
