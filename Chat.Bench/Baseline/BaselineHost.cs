using System.Globalization;
using Chat.Bench.Targets;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Chat.Bench.Baseline;

/// <summary>Runs <see cref="BareChatHub"/> on Kestrel: <c>Chat.Bench baseline-hub --urls URL</c>.</summary>
public static class BaselineHost
{
    public const string Command = "baseline-hub";
    public const string ReadyPath = "ready";

    /// <summary>Where two bare hubs find their Redis backplane, and the channels of this run.</summary>
    public const string RedisVariable = "BASELINE_REDIS";
    public const string ChannelPrefixVariable = "BASELINE_CHANNEL_PREFIX";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton<RoomSequences>();
        var signalR = builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            .AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        if (Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } redis)
        {
            var prefix = Environment.GetEnvironmentVariable(ChannelPrefixVariable) ?? "baseline";
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        }

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
