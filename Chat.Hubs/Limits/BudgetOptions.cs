using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Limits;

/// <summary>
/// One budget's allowance: a burst of <see cref="Permits"/>, refilled evenly over
/// <see cref="WindowSeconds"/>, so a caller who keeps going settles at Permits per window.
/// </summary>
public sealed class BudgetOptions
{
    [Range(1, 1_000_000)]
    public int Permits { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    public static BudgetOptions Of(int permits, int windowSeconds) => new() { Permits = permits, WindowSeconds = windowSeconds };

    public Allowance ToAllowance() => new(Permits, TimeSpan.FromSeconds(WindowSeconds));
}

/// <summary>A bucket's size and the time an empty one takes to fill.</summary>
public readonly record struct Allowance(int Permits, TimeSpan Window)
{
    public double PermitsPerMillisecond => Permits / Window.TotalMilliseconds;
}
