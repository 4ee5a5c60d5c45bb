using Chat.Client;
using Chat.Contracts;

// Two users of the chat service at the address given: alice posts in a room she made, and bob,
// who joined it, receives the message live over the hub. Prints what bob got and the runtime.
if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var service))
{
    Console.Error.WriteLine("usage: dotnet-service <chat service base URL, e.g. http://localhost:5080/>");
    return 2;
}

using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    var aliceOptions = await SignUpAsync("alice");
    var bobOptions = await SignUpAsync("bob");
    var room = await ChatRestClient.Create(aliceOptions).CreateRoomAsync(
        new CreateRoomRequest($"sample-{Guid.NewGuid():N}", Topic: null, IsPrivate: false, Settings: null), deadline.Token);

    await using var bob = new ChatClient(bobOptions);
    var received = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
    bob.MessageReceived += message =>
    {
        // The room's join messages come through this event too.
        if (message.RoomId == room.Id && message.Type == MessageType.Text)
        {
            received.TrySetResult(message);
        }

        return Task.CompletedTask;
    };
    await bob.StartAsync(deadline.Token);
    await bob.JoinRoomAsync(room.Id, deadline.Token);

    await using var alice = new ChatClient(aliceOptions);
    await alice.StartAsync(deadline.Token);
    await alice.SendTextAsync(room.Id, "hello from a .NET 8 service", cancellationToken: deadline.Token);

    var message = await received.Task.WaitAsync(deadline.Token);
    Console.WriteLine($"received: {message.Content} (runtime {Environment.Version})");
    return 0;
}
catch (OperationCanceledException) when (deadline.IsCancellationRequested)
{
    Console.Error.WriteLine("failed: no message after 30 s");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"failed: {e}");
    return 1;
}

// Registers a user with a random name and answers the options of a client that acts as them:
// UserTokenSource signs them in (POST auth/token) and renews their token before it expires.
async Task<ChatClientOptions> SignUpAsync(string name)
{
    var auth = ChatRestClient.Create(new ChatClientOptions { BaseAddress = service });
    var userName = $"{name}-{Guid.NewGuid():N}"[..24];
    var password = Guid.NewGuid().ToString("N");
    await auth.RegisterAsync(new RegisterRequest(userName, password, DisplayName: name), deadline.Token);
    var tokens = new UserTokenSource(auth, userName, password);
    return new ChatClientOptions { BaseAddress = service, AccessTokenProvider = tokens.GetTokenAsync };
}
