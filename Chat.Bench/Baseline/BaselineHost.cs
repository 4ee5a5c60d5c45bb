using System.Globalization;
using Chat.Bench.Targets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Bench.Baseline;

/// <summary>Runs <see cref="BareChatHub"/> on Kestrel: <c>Chat.Bench baseline-hub --urls URL</c>.</summary>
public static class BaselineHost
{
    public const string Command = "baseline-hub";
    public const string ReadyPath = "ready";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton<RoomSequences>();
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            .AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/" + ReadyPath, () => "ready");
        // The one series of the chat service's /metrics the bench reads, so both servers'
        // allocation per message is measured the same way.
        app.MapGet("/" + AllocatedBytes.MetricsPath, () =>
            string.Create(CultureInfo.InvariantCulture, $"{AllocatedBytes.Series} {GC.GetTotalAllocatedBytes()}\n"));
        app.MapHub<BareChatHub>(IChatHub.Path);
        await app.RunAsync();
    }
}
