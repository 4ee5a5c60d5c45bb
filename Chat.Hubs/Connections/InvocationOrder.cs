using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Connections;

/// <summary>
/// Runs a connection's hub calls one after another, in the order they came, as SignalR does when
/// it allows one call per connection at a time, with one difference: a send passes the turn on as
/// soon as its message has its place in the order of storing (<see cref="PassTurn"/>), and waits
/// for its commit while the connection's next calls run. A client that sends several messages
/// without waiting for each ack then has them stored together, numbered in the order it sent them,
/// and acked together; one that joins a room and sends to it without waiting still finds itself a
/// member.
/// </summary>
/// <remarks>
/// SignalR lets up to <see cref="ChatOptions.CallsInFlightPerConnection"/> calls be under way; it
/// starts them in the order they came and runs each up to its first wait before reading the next,
/// so the turns are taken in that order too.
/// </remarks>
internal sealed class InvocationOrder : IHubFilter
{
    private static readonly object LineKey = new();
    private static readonly AsyncLocal<Turn?> Current = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        context.Context.Items[LineKey] = new Line();
        return next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var turn = ((Line)invocationContext.Context.Items[LineKey]!).Take();
        try
        {
            await turn.Granted;
            Current.Value = turn;
            return await next(invocationContext);
        }
        finally
        {
            turn.Pass();
        }
    }

    /// <summary>Lets the calling connection's next call start; does nothing outside a hub call.</summary>
    public static void PassTurn() => Current.Value?.Pass();

    /// <summary>A connection's calls, each waiting for the one before it to pass the turn.</summary>
    private sealed class Line
    {
        private Task last = Task.CompletedTask;

        // SignalR's reading loop takes the turns, one call after another; the exchange keeps the
        // line whole even if two calls ever took theirs at once.
        public Turn Take()
        {
            // The next call resumes elsewhere, not inside the send that passes the turn.
            var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new Turn(Interlocked.Exchange(ref last, passed.Task), passed);
        }
    }

    private sealed class Turn(Task granted, TaskCompletionSource passed)
    {
        public Task Granted { get; } = granted;

        public void Pass() => passed.TrySetResult();
    }
}
