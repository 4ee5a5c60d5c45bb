using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Chat.Bench.Targets;

/// <summary>
/// Kills the servers the bench started when the bench exits, however it exits short of SIGKILL,
/// so that no node or redis-server outlives the run (or the database) it served.
/// </summary>
public static class ExitCleanup
{
    private static readonly ConcurrentDictionary<object, Action> Kills = new();

    // Since .NET 10 the runtime no longer turns SIGTERM into ProcessExit: without a handler of
    // its own a terminated bench left its nodes running. The signal still ends the bench after
    // the handler (it is not cancelled).
    private static readonly PosixSignalRegistration OnTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());

    static ExitCleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>Runs <paramref name="kill"/> at exit unless <see cref="Forget"/> is called first.</summary>
    public static void Remember(object server, Action kill) => Kills[server] = kill;

    public static void Forget(object server) => Kills.TryRemove(server, out _);

    private static void KillAll()
    {
        foreach (var kill in Kills.Values)
        {
            kill();
        }
    }
}
