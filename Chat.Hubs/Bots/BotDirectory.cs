using Chat.Contracts;
using Chat.Data;
using Chat.Data.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AiChatClient = Microsoft.Extensions.AI.IChatClient;

namespace Chat.Hubs.Bots;

/// <summary>
/// The bots the operator declared (<c>Bots__N__…</c>): at start-up each becomes a user with global
/// role <c>bot</c> (created, or its display name brought up to date), tried again until the
/// database takes it. Until then no bot replies.
/// </summary>
public sealed partial class BotDirectory(
    IOptions<List<BotDefinition>> declared,
    BotRepository bots,
    TimeProvider clock,
    ILoggerFactory loggers,
    ILogger<BotDirectory> logger) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyDictionary<Guid, DeclaredBot> byId = new Dictionary<Guid, DeclaredBot>();

    /// <summary>The declared bots, once they are users.</summary>
    public IReadOnlyCollection<DeclaredBot> All => byId.Values.ToList();

    /// <summary>The bot with user id <paramref name="userId"/>, when it is one this node declared.</summary>
    public DeclaredBot? Find(Guid userId) => byId.GetValueOrDefault(userId);

    /// <summary>The bot called <paramref name="userName"/> (any casing).</summary>
    public DeclaredBot? FindByUserName(string userName) =>
        byId.Values.FirstOrDefault(b => string.Equals(b.UserName, userName, StringComparison.OrdinalIgnoreCase));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (declared.Value.Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                byId = await DeclareAllAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogNotYet(logger, e, DatabaseFaults.IsUnavailable(e));
            }

            await Task.Delay(RetryEvery, clock, stoppingToken);
        }
    }

    private async Task<Dictionary<Guid, DeclaredBot>> DeclareAllAsync(CancellationToken cancellationToken)
    {
        var ready = new Dictionary<Guid, DeclaredBot>();
        foreach (var definition in declared.Value)
        {
            var displayName = string.IsNullOrWhiteSpace(definition.DisplayName) ? definition.UserName : definition.DisplayName;
            var user = await bots.DeclareAsync(Guid.NewGuid(), definition.UserName, displayName, clock.UtcNowAsStored(), cancellationToken);
            if (user is null)
            {
                LogNameTaken(logger, definition.UserName);
                continue;
            }

            ready[user.Id] = new DeclaredBot(user.Id, user.UserName, user.DisplayName, definition, ClientFor(definition));
            LogDeclared(logger, user.UserName, definition.Provider);
        }

        return ready;
    }

    private AiChatClient ClientFor(BotDefinition definition)
    {
        AiChatClient model = definition.Provider switch
        {
            BotProviders.Scripted => new ScriptedChatClient(TimeSpan.FromMilliseconds(definition.WordDelayMilliseconds), clock, definition.StampWords),
            BotProviders.OpenAi => OpenAiModel(definition),
            _ => throw new InvalidOperationException($"Bot {definition.UserName}: provider '{definition.Provider}' is not one this version knows"),
        };

        // The model asks for tools; this runs them and hands their results back to it.
        return new ChatClientBuilder(model).UseFunctionInvocation(loggers).Build();
    }

    /// <summary>
    /// Any OpenAI-compatible chat completions endpoint. The SDK's own retries are off: the
    /// resilience pipeline retries, and only until the first part of a reply has arrived.
    /// </summary>
    private AiChatClient OpenAiModel(BotDefinition definition)
    {
        var options = new OpenAI.OpenAIClientOptions
        {
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        };
        if (!string.IsNullOrWhiteSpace(definition.Endpoint))
        {
            options.Endpoint = new Uri(definition.Endpoint);
        }

        var model = new OpenAI.Chat.ChatClient(definition.Model, new System.ClientModel.ApiKeyCredential(definition.ApiKey is { Length: > 0 } key ? key : "none"), options).AsIChatClient();
        return new ResilientChatClient(model, ResilientChatClient.FirstUpdatePipeline(TimeSpan.FromSeconds(definition.FirstTokenTimeoutSeconds), clock));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bot {UserName} is ready ({Provider})")]
    private static partial void LogDeclared(ILogger logger, string userName, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bot {UserName} is not declared: a user who is not a bot already has that name")]
    private static partial void LogNameTaken(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bots could not be declared yet (database unavailable: {Unavailable}); trying again")]
    private static partial void LogNotYet(ILogger logger, Exception exception, bool unavailable);
}
