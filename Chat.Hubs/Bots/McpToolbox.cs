using Chat.Data;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace Chat.Hubs.Bots;

/// <summary>
/// The tools of the MCP servers the operator declared for bots. Each server is connected on the
/// first reply that needs it and its tool list kept for <see cref="ListFor"/>; a server that cannot
/// be reached or fails is left out of that reply (the bot answers with its other tools) and asked
/// again, on a new connection, by a later one, as is a server whose tool failed when called.
/// </summary>
public sealed partial class McpToolbox(ILoggerFactory loggers, ILogger<McpToolbox> logger, TimeProvider clock) : IAsyncDisposable
{
    /// <summary>How long a server's tool list is used before it is asked again.</summary>
    public static readonly TimeSpan ListFor = TimeSpan.FromMinutes(5);

    // A server that does not answer within this is left out of the reply that asked.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<(string Bot, string Server), Session> sessions = [];
    private readonly Lock gate = new();
    private readonly LogSampler unreachable = new(TimeSpan.FromMinutes(1), clock);

    /// <summary>The tools of <paramref name="bot"/>'s MCP servers, leaving out any named like one in <paramref name="taken"/>.</summary>
    public async Task<IReadOnlyList<AITool>> ToolsAsync(BotDefinition bot, IReadOnlyCollection<string> taken, CancellationToken cancellationToken)
    {
        if (bot.McpServers.Count == 0)
        {
            return [];
        }

        var names = new HashSet<string>(taken, StringComparer.Ordinal);
        var tools = new List<AITool>();
        foreach (var server in bot.McpServers)
        {
            Session session;
            lock (gate)
            {
                if (!sessions.TryGetValue((bot.UserName, server.Name), out session!))
                {
                    session = new Session(server);
                    sessions[(bot.UserName, server.Name)] = session;
                }
            }

            foreach (var tool in await ListAsync(bot, session, cancellationToken))
            {
                // A built-in tool, or an earlier server's, keeps its name.
                if (names.Add(tool.Name))
                {
                    tools.Add(tool);
                }
            }
        }

        return tools;
    }

    private async Task<IReadOnlyList<AITool>> ListAsync(BotDefinition bot, Session session, CancellationToken cancellationToken)
    {
        await session.Gate.WaitAsync(cancellationToken);
        try
        {
            if (session.Failed)
            {
                await session.ResetAsync();
            }

            if (session.Tools is { } listed && clock.GetUtcNow() - session.ListedAt < ListFor)
            {
                return listed;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            session.Client ??= await McpClient.CreateAsync(Transport(session.Server), cancellationToken: timeout.Token, loggerFactory: loggers);
            session.Tools = [.. (await session.Client.ListToolsAsync(cancellationToken: timeout.Token)).Select(tool => new McpTool(tool, session))];
            session.ListedAt = clock.GetUtcNow();
            return session.Tools;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (unreachable.TryEnter(out var suppressed))
            {
                LogUnreachable(logger, e, bot.UserName, session.Server.Name, suppressed);
            }

            await session.ResetAsync();
            return [];
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private IClientTransport Transport(BotMcpServer server) => server.Url is { } url
        ? new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, Name = server.Name }, loggers)
        : new StdioClientTransport(
            new StdioClientTransportOptions { Command = server.Command!, Arguments = server.Arguments ?? [], Name = server.Name }, loggers);

    public async ValueTask DisposeAsync()
    {
        List<Session> all;
        lock (gate)
        {
            all = [.. sessions.Values];
            sessions.Clear();
        }

        foreach (var session in all)
        {
            await session.ResetAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bot {UserName} replies without the tools of MCP server {Server}, which failed ({Suppressed} more such failures not logged)")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string userName, string server, long suppressed);

    /// <summary>A server's tool; a call that fails has the server connected afresh for the next reply.</summary>
    private sealed class McpTool(McpClientTool tool, Session session) : DelegatingAIFunction(tool)
    {
        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            try
            {
                return await base.InvokeCoreAsync(arguments, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                session.Failed = true;
                throw;
            }
        }
    }

    /// <summary>One bot's connection to one server and the tools it listed.</summary>
    private sealed class Session(BotMcpServer server)
    {
        public BotMcpServer Server { get; } = server;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public McpClient? Client { get; set; }

        public IReadOnlyList<AITool>? Tools { get; set; }

        public DateTimeOffset ListedAt { get; set; }

        /// <summary>A tool of this session failed: the next reply connects again.</summary>
        public volatile bool Failed;

        public async Task ResetAsync()
        {
            var client = Client;
            (Client, Tools, Failed) = (null, null, false);
            if (client is not null)
            {
                try
                {
                    await client.DisposeAsync();
                }
                catch (Exception)
                {
                    // A session that failed may fail to close too; it is dropped either way.
                }
            }
        }
    }
}
