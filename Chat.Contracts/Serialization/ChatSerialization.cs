using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace Chat.Contracts.Serialization;

/// <summary>
/// The serializer settings that make both hub protocols and REST speak the same contract:
/// camelCase names and lowercase enum strings. Server and clients use these same settings.
/// </summary>
public static class ChatSerialization
{
    /// <summary>MessagePack options: explicit camelCase keys on the DTOs, lowercase enums.</summary>
    public static MessagePackSerializerOptions MessagePackOptions { get; } =
        MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(LowercaseEnumResolver.Instance, StandardResolver.Instance))
            .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>
    /// The contract's JSON conventions on the web defaults, for JSON the service writes and reads
    /// itself (database columns, webhook bodies, push payloads). Read-only: share it.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Applies the contract's JSON conventions to a serializer options instance.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureJson(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
