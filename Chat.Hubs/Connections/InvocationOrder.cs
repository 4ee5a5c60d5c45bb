using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Connections;

/// <summary>
/// Runs a connection's hub calls one after another, in the order they came, as SignalR does when
/// it allows one call per connection at a time, with one difference: a send passes the turn on as
/// soon as its message has its place in the order of storing (<see cref="TurnOf"/>), and waits
/// for its commit while the connection's next calls run. A client that sends several messages
/// without waiting for each ack then has them stored together, numbered in the order it sent them,
/// and acked together; one that joins a room and sends to it without waiting still finds itself a
/// member.
/// </summary>
/// <remarks>
/// SignalR lets up to <see cref="ChatOptions.CallsInFlightPerConnection"/> calls be under way; it
/// starts them in the order they came and runs each up to its first wait before reading the next,
/// so the turns are asked for in that order too.
/// </remarks>
internal sealed class InvocationOrder : IHubFilter
{
    private static readonly object LineKey = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        context.Context.Items[LineKey] = new Line();
        return next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var line = LineOf(invocationContext.Context);
        var turn = new Turn(line);
        await line.EnterAsync(turn);
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            turn.Pass();
        }
    }

    /// <summary>
    /// The turn of the call now running on <paramref name="context"/>: a hub method holds its
    /// connection's turn while its body runs, so this is the caller's own.
    /// </summary>
    public static Turn TurnOf(HubCallerContext context) => LineOf(context).Holder
        ?? throw new InvalidOperationException("no hub call holds this connection's turn");

    private static Line LineOf(HubCallerContext context) => (Line)context.Items[LineKey]!;

    /// <summary>A call's place in its connection's line.</summary>
    public sealed class Turn
    {
        private readonly Line line;
        private int passed;

        internal Turn(Line line) => this.line = line;

        /// <summary>Lets the connection's next call start; once, however often it is called.</summary>
        public void Pass()
        {
            if (Interlocked.Exchange(ref passed, 1) == 0)
            {
                line.Leave();
            }
        }
    }

    /// <summary>A connection's calls: the one holding the turn, and those waiting for it in order.</summary>
    internal sealed class Line
    {
        private readonly Lock gate = new();
        private Queue<(Turn Turn, TaskCompletionSource Granted)>? waiting;

        /// <summary>The call holding the turn; null when the line is empty.</summary>
        public Turn? Holder { get; private set; }

        // A call that finds the line empty goes on without allocating anything to wait on: the
        // common case, a client waiting for each answer before its next call.
        public Task EnterAsync(Turn turn)
        {
            lock (gate)
            {
                if (Holder is null)
                {
                    Holder = turn;
                    return Task.CompletedTask;
                }

                // The next call resumes elsewhere, not inside the send that passes the turn.
                var granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (waiting ??= new()).Enqueue((turn, granted));
                return granted.Task;
            }
        }

        public void Leave()
        {
            TaskCompletionSource? next;
            lock (gate)
            {
                (Holder, next) = waiting is { Count: > 0 } ? waiting.Dequeue() : (null, null);
            }

            next?.TrySetResult();
        }
    }
}
