using System.Runtime.InteropServices;

namespace Chat.Bench.Targets;

/// <summary>
/// Signals for processes the bench or the tests started: <see cref="System.Diagnostics.Process.Kill()"/>
/// only knows SIGKILL, and a hung server is a stopped one (SIGSTOP), not a dead one.
/// </summary>
public static class PosixSignals
{
    // Linux's numbers (x86-64 and arm64 alike).
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Sends SIGTERM, what systemd, Docker and Kubernetes send to stop a service.</summary>
    public static void Terminate(int processId) => Send(processId, SigTerm, "SIGTERM");

    /// <summary>Freezes the process: its sockets stay open and nothing on them is answered.</summary>
    public static void Stop(int processId) => Send(processId, SigStop, "SIGSTOP");

    /// <summary>Lets a stopped process run again.</summary>
    public static void Continue(int processId) => Send(processId, SigCont, "SIGCONT");

    private static void Send(int processId, int signal, string name)
    {
        if (Kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled,
    // and two ints need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
