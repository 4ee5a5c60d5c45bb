using Chat.Data.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly;

namespace Chat.Data;

/// <summary>Migrates the database before the node starts taking connections.</summary>
internal sealed class MigrationHostedService(
    MigrationRunner runner,
    IOptions<ChatDataOptions> options,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(ChatDataResilience.StartupPipeline)] ResiliencePipeline startup)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            await startup.ExecuteAsync(async token => await runner.MigrateAsync(token), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
