using System.Text.Json;
using Chat.Contracts.Serialization;

namespace Chat.Tests.Infrastructure;

/// <summary>The contract's JSON settings, for reading REST answers.</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ChatSerialization.ConfigureJson(options);
        return options;
    }
}
