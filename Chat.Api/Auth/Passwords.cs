using System.Security.Cryptography;
using System.Text;
using Chat.Data;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Api.Auth;

/// <summary>
/// Hashes and checks passwords with Argon2id, stored in the PHC string format
/// (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>) so that each hash carries its parameters.
/// Hashes of older builds (ASP.NET Core Identity's PBKDF2) and hashes made with weaker parameters
/// still check, and ask to be replaced. Checking a password for no stored hash (an unknown user)
/// costs the same as a wrong one. Hashing is CPU-bound: at most
/// <see cref="PasswordHashingOptions.MaxConcurrentHashes"/> run at once.
/// </summary>
public sealed class Passwords : IDisposable
{
    private const string Prefix = "$argon2id$v=19$";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly PasswordHashingOptions options;
    private readonly SemaphoreSlim gate;
    private readonly PasswordHasher<ChatUser> legacy = new();
    private readonly Lazy<string> unknownUser;

    public Passwords(IOptions<PasswordHashingOptions> options)
    {
        this.options = options.Value;
        var concurrency = this.options.MaxConcurrentHashes ?? Math.Max(1, Environment.ProcessorCount / 2);
        gate = new SemaphoreSlim(concurrency, concurrency);
        // A hash of a password nobody has, checked when the user is unknown so the answer takes as long.
        unknownUser = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    }

    public Task<string> HashAsync(string password, CancellationToken cancellationToken) =>
        RunAsync(() => Hash(password), cancellationToken);

    /// <summary>
    /// Checks <paramref name="password"/> against <paramref name="storedHash"/>; with no stored hash
    /// it checks against a dummy and fails, taking as long as a wrong password.
    /// </summary>
    public Task<PasswordVerificationResult> VerifyAsync(string? storedHash, string password, CancellationToken cancellationToken) =>
        RunAsync(
            () =>
            {
                if (storedHash is null)
                {
                    _ = Verify(unknownUser.Value, password);
                    return PasswordVerificationResult.Failed;
                }

                return Verify(storedHash, password);
            },
            cancellationToken);

    public void Dispose() => gate.Dispose();

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(work, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Argon2(password, salt, options.MemoryKiB, options.Iterations, options.Parallelism, HashBytes);
        return $"{Prefix}m={options.MemoryKiB},t={options.Iterations},p={options.Parallelism}${Unpadded(salt)}${Unpadded(hash)}";
    }

    private PasswordVerificationResult Verify(string stored, string password)
    {
        if (!stored.StartsWith('$'))
        {
            // ASP.NET Core Identity's format, from before Argon2id, replaced once it checks.
            try
            {
                return legacy.VerifyHashedPassword(null!, stored, password) == PasswordVerificationResult.Failed
                    ? PasswordVerificationResult.Failed
                    : PasswordVerificationResult.SuccessRehashNeeded;
            }
            catch (FormatException)
            {
                return PasswordVerificationResult.Failed;
            }
        }

        if (Parse(stored) is not { } parsed)
        {
            return PasswordVerificationResult.Failed;
        }

        var actual = Argon2(password, parsed.Salt, parsed.MemoryKiB, parsed.Iterations, parsed.Parallelism, parsed.Hash.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, parsed.Hash))
        {
            return PasswordVerificationResult.Failed;
        }

        return parsed.MemoryKiB < options.MemoryKiB || parsed.Iterations < options.Iterations || parsed.Parallelism != options.Parallelism
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }

    private static byte[] Argon2(string password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length)
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon2.GetBytes(length);
    }

    /// <summary>The parts of a PHC string this service wrote; null for anything else, or parameters out of bounds.</summary>
    private static StoredHash? Parse(string stored)
    {
        var parts = stored.Split('$');
        // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
        if (parts is not ["", "argon2id", "v=19", var parameters, var salt, var hash])
        {
            return null;
        }

        int? m = null, t = null, p = null;
        foreach (var pair in parameters.Split(','))
        {
            var (name, value) = pair.Split('=') is [var n, var v] && int.TryParse(v, out var number) ? (n, number) : ("", 0);
            switch (name)
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return null;
            }
        }

        // Bounded, so a planted hash cannot make a check take gigabytes or minutes.
        if (m is not (>= 8 and <= 4 * 1024 * 1024) || t is not (>= 1 and <= 100) || p is not (>= 1 and <= 64)
            || FromUnpadded(salt) is not { Length: >= 8 } saltBytes || FromUnpadded(hash) is not { Length: >= 16 and <= 64 } hashBytes)
        {
            return null;
        }

        return new StoredHash(m.Value, t.Value, p.Value, saltBytes, hashBytes);
    }

    private static string Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromUnpadded(string text)
    {
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    private sealed record StoredHash(int MemoryKiB, int Iterations, int Parallelism, byte[] Salt, byte[] Hash);
}
