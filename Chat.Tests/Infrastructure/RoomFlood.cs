using System.Diagnostics;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Floods a room with large messages from one sender, a few sends under way at a time, and checks
/// that each is acked and reaches every member given promptly, all of them, in order.
/// </summary>
public static class RoomFlood
{
    /// <summary>
    /// About 5 MB of 3,900-character messages: more than the kernel's socket buffers hold for a
    /// client that stops reading (up to 4 MiB on the server's side here), so its writes do wait.
    /// </summary>
    public const int Messages = 1300;

    /// <summary>
    /// How soon each message must be acked and delivered: generous on loopback, yet shorter than
    /// the 5 s SignalR waits on a full replay buffer and the 10 s it waits on a stalled socket,
    /// for which a stuck member used to hold everyone up.
    /// </summary>
    public static readonly TimeSpan Promptly = TimeSpan.FromSeconds(4);

    // The sends a client has under way at once, as many as the hub runs for one connection.
    private const int Window = 8;

    /// <summary>Sends <see cref="Messages"/> messages and returns their acks, in seq order.</summary>
    public static async Task<List<MessageAck>> SendAsync(HubClient sender, Guid roomId, params (string Name, HubClient Client)[] members)
    {
        var filler = new string('x', 3890);
        var acks = new List<MessageAck>(Messages);
        var clock = Stopwatch.StartNew();
        for (var first = 0; first < Messages; first += Window)
        {
            var sentAt = clock.Elapsed;
            var count = Math.Min(Window, Messages - first);
            var sends = Enumerable.Range(first, count).Select(i => sender.SendTextAsync(roomId, $"{i:D5} {filler}")).ToArray();
            try
            {
                // Sends under way together may be stored in any order; members get them by seq.
                acks.AddRange((await Task.WhenAll(sends).WaitAsync(Promptly)).OrderBy(a => a.Seq));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Messages {first} to {first + count - 1} were not acked within {Promptly.TotalSeconds} s");
            }

            foreach (var (name, client) in members)
            {
                var received = new List<MessageDto>(count);
                for (var i = first; i < first + count; i++)
                {
                    var left = Promptly - (clock.Elapsed - sentAt);
                    try
                    {
                        received.Add(await client.NextMessageAsync(MessageType.Text, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)));
                    }
                    catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                    {
                        Assert.Fail($"{name} did not receive message {i} within {Promptly.TotalSeconds} s of its send");
                    }
                }

                // Messages stored together are broadcast side by side, so they may arrive in any
                // order; clients put them in seq order.
                Assert.Equal(acks[first..].Select(a => a.MessageId), received.OrderBy(m => m.Seq).Select(m => m.Id));
            }
        }

        return acks;
    }
}
