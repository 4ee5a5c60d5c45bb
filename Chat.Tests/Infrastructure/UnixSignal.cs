using System.Runtime.InteropServices;

namespace Chat.Tests.Infrastructure;

/// <summary>Signals for processes the tests started: <see cref="System.Diagnostics.Process.Kill()"/> only knows SIGKILL.</summary>
public static class UnixSignal
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM, what systemd, Docker and Kubernetes send to stop a service.</summary>
    public static void Terminate(int processId)
    {
        if (Kill(processId, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled,
    // and two ints need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
