using System.Security.Cryptography;

namespace Chat.Contracts;

/// <summary>How this repository's clients make a send's <c>clientMessageId</c>.</summary>
public static class ClientMessageIds
{
    /// <summary>
    /// A fresh id that grows with time (UUID v7). Any UUID is accepted, but the server indexes
    /// each sender's ids in a room, and ids that grow are added at the end of the sender's range
    /// rather than anywhere in it, which keeps the index compact and its hot pages few.
    /// </summary>
    /// <remarks>Laid out by hand (RFC 9562) rather than by Guid.CreateVersion7, which .NET 8 lacks.</remarks>
    public static Guid New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[6..]);
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (40 - (8 * i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
