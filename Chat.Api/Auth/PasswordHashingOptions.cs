using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

/// <summary>
/// How passwords are hashed (<c>Passwords__…</c>): Argon2id with OWASP's first recommended set by
/// default (19 MiB, two passes, one lane). Raising a figure upgrades each stored hash at its
/// user's next sign-in.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "Passwords";

    [Range(19 * 1024, 4 * 1024 * 1024)]
    public int MemoryKiB { get; set; } = 19 * 1024;

    [Range(2, 100)]
    public int Iterations { get; set; } = 2;

    [Range(1, 64)]
    public int Parallelism { get; set; } = 1;

    /// <summary>
    /// Hashes computed at once on a node; more sign-ins wait their turn, so a burst of them cannot
    /// take every thread from the hub. Unset: half the cores, at least one.
    /// </summary>
    [Range(1, 1024)]
    public int? MaxConcurrentHashes { get; set; }
}
