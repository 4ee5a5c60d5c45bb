using System.Diagnostics.Metrics;
using Chat.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

/// <summary>The service's instruments for unit tests that build a service by hand.</summary>
public static class TestMetrics
{
    // One factory for the whole run: its meters live as long as the tests do.
    private static readonly ServiceProvider Services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static ChatMetrics Create() => new(Services.GetRequiredService<IMeterFactory>());
}
