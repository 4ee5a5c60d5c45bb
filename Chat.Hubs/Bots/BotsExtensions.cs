using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Bots;

/// <summary>Registers the bots: their declarations, the trigger queue, the runner and the orphan sweeper.</summary>
internal static class BotsExtensions
{
    public const string SectionName = "Bots";

    public static IServiceCollection AddBots(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<List<BotDefinition>>()
            .Bind(configuration.GetSection(SectionName))
            .Validate(Validate, "every bot needs a UserName of 3 to 32 letters, digits, '_', '.' or '-', names must differ, Provider must be 'scripted' or 'openai', an openai bot needs a Model, and each of its MCP servers a Name of its own and either an http(s) Url or a Command")
            .ValidateOnStart();
        services.AddOptionsWithValidateOnStart<BotRunOptions>().BindConfiguration(BotRunOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<BotTools>();
        services.AddSingleton<McpToolbox>();
        services.AddSingleton<BotDirectory>();
        services.AddHostedService(s => s.GetRequiredService<BotDirectory>());
        services.AddSingleton<BotRooms>();
        services.AddHostedService(s => s.GetRequiredService<BotRooms>());
        services.AddSingleton<BotTriggers>();
        services.AddSingleton<RunningReplies>();
        services.AddSingleton<MessageStreamRun>();
        services.AddSingleton<ReplyRun>();
        services.AddSingleton<ReplyStops>();
        services.AddSingleton<MessageStreamer>();
        services.AddSingleton<RoomBotService>();
        services.AddHostedService<BotRunner>();
        services.AddSingleton<OrphanReplySweeper>();
        services.AddHostedService(s => s.GetRequiredService<OrphanReplySweeper>());
        return services;
    }

    // The user name by the rule its attribute states, then what only the list can tell.
    private static bool Validate(List<BotDefinition> bots) =>
        bots.All(b => Validator.TryValidateProperty(b.UserName, new ValidationContext(b) { MemberName = nameof(BotDefinition.UserName) }, null)
            && (b.Provider == BotProviders.Scripted || (b.Provider == BotProviders.OpenAi && !string.IsNullOrWhiteSpace(b.Model)))
            && b.McpServers.All(server => Validator.TryValidateObject(server, new ValidationContext(server), null, validateAllProperties: true))
            && b.McpServers.Select(server => server.Name).Distinct(StringComparer.Ordinal).Count() == b.McpServers.Count)
        && bots.Select(b => b.UserName.ToLowerInvariant()).Distinct().Count() == bots.Count;
}
