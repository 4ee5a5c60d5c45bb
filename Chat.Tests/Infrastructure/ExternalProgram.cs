using System.Diagnostics;
using System.Text;

namespace Chat.Tests.Infrastructure;

/// <summary>Runs a program outside the test process (a build, a sample consumer) and collects what it printed.</summary>
public static class ExternalProgram
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>,
    /// killing it with its children after <paramref name="deadline"/>. <paramref name="environment"/>
    /// sets variables (a null value removes one).
    /// </summary>
    public static async Task<ProgramRun> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan deadline,
        IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // Nothing is ever typed into it: a program that asks waits for no one.
        process.StandardInput.Close();
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {deadline}:\n{output}{errors}");
        }

        // Once the process has exited, this waits for the redirected streams to be read to their end.
        process.WaitForExit();
        lock (output)
        {
            lock (errors)
            {
                return new ProgramRun(process.ExitCode, output.ToString(), errors.ToString());
            }
        }
    }
}

/// <summary>How a program ended, and what it printed on standard output and on standard error.</summary>
public sealed record ProgramRun(int ExitCode, string Output, string Errors)
{
    /// <summary>Its standard output, line by line.</summary>
    public IEnumerable<string> OutputLines => Output.Split('\n').Select(line => line.TrimEnd('\r'));

    /// <summary>Everything it printed, output first.</summary>
    public string Printed => (Output + Errors).Trim();

    /// <summary>Fails with what the program printed unless it exited with 0.</summary>
    public ProgramRun EnsureSucceeded(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {ExitCode}:\n{Printed}");
        }

        return this;
    }
}
