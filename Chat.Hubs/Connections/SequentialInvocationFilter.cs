using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Connections;

/// <summary>
/// Runs a connection's hub calls one after another, in the order they came, as SignalR does when
/// it allows one call per connection at a time, with one difference: a send releases its slot as
/// soon as its message has its place in the order of storing (<see cref="SlotOf"/>), and waits
/// for its commit while the connection's next calls run. A client that sends several messages
/// without waiting for each ack then has them stored together, numbered in the order it sent them,
/// and acked together; one that joins a room and sends to it without waiting still finds itself a
/// member.
/// </summary>
/// <remarks>
/// SignalR lets up to <see cref="ChatOptions.CallsInFlightPerConnection"/> calls be under way; it
/// starts them in the order they came and runs each up to its first wait before reading the next,
/// so the slots are asked for in that order too.
/// </remarks>
internal sealed class SequentialInvocationFilter : IHubFilter
{
    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // A feature of the connection, not an entry of Context.Items: the first use of Items gives
        // every connection a dictionary of its own, about half a KiB each, for this one entry.
        context.Context.Features.Set(new InvocationQueue());
        return next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var queue = QueueOf(invocationContext.Context);
        var slot = new Slot(queue);
        await queue.EnterAsync(slot);
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>
    /// The slot of the call now running on <paramref name="context"/>: a hub method holds its
    /// connection's slot while its body runs, so this is the caller's own.
    /// </summary>
    public static Slot SlotOf(HubCallerContext context) => QueueOf(context).Current
        ?? throw new InvalidOperationException("no hub call holds this connection's slot");

    private static InvocationQueue QueueOf(HubCallerContext context) =>
        context.Features.Get<InvocationQueue>() ?? throw new InvalidOperationException("the connection has no invocation queue");

    /// <summary>A call's right to run on its connection.</summary>
    public sealed class Slot
    {
        private readonly InvocationQueue queue;
        private int released;

        internal Slot(InvocationQueue queue) => this.queue = queue;

        /// <summary>Lets the connection's next call start; once, however often it is called.</summary>
        public void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                queue.Leave();
            }
        }
    }

    /// <summary>A connection's calls: the one holding the slot, and those waiting for it in order.</summary>
    internal sealed class InvocationQueue
    {
        private readonly Lock gate = new();
        private Queue<(Slot Slot, TaskCompletionSource Granted)>? waiting;

        /// <summary>The call holding the slot; null when no call runs.</summary>
        public Slot? Current { get; private set; }

        // A call that finds no call running goes on without allocating anything to wait on: the
        // common case, a client waiting for each answer before its next call.
        public Task EnterAsync(Slot slot)
        {
            lock (gate)
            {
                if (Current is null)
                {
                    Current = slot;
                    return Task.CompletedTask;
                }

                // The next call resumes elsewhere, not inside the send that releases the slot.
                var granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (waiting ??= new()).Enqueue((slot, granted));
                return granted.Task;
            }
        }

        public void Leave()
        {
            TaskCompletionSource? next;
            lock (gate)
            {
                (Current, next) = waiting is { Count: > 0 } ? waiting.Dequeue() : (null, null);
            }

            next?.TrySetResult();
        }
    }
}
