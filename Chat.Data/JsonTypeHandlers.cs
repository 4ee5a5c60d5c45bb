using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Data;
using System.Text.Json;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Data;

/// <summary>Maps the jsonb columns (room settings, message metadata) to and from records.</summary>
internal static class JsonTypeHandlers
{
    internal static readonly JsonSerializerOptions Json = CreateOptions();

    private static int registered;

    /// <summary>Registers the handlers with Dapper once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new RememberingJsonHandler<RoomSettings>());
        SqlMapper.AddTypeHandler(new DictionaryJsonHandler<string>());
        SqlMapper.AddTypeHandler(new DictionaryJsonHandler<int>());
    }

    /// <summary>Serializes a value for a <c>jsonb</c> parameter.</summary>
    public static string? ToJson<T>(T? value) => value is null ? null : JsonSerializer.Serialize(value, Json);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ChatSerialization.ConfigureJson(options);
        return options;
    }

    private class JsonHandler<T> : SqlMapper.TypeHandler<T>
    {
        public override T? Parse(object value) =>
            value is string text ? JsonSerializer.Deserialize<T>(text, Json) : default;

        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            parameter.Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, Json);
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
        }
    }

    /// <summary>
    /// For immutable records that few distinct texts describe, such as room settings: each text
    /// is parsed once. Every stored message reads its sender's standing and with it the room's
    /// settings, so this parse ran once per message.
    /// </summary>
    private sealed class RememberingJsonHandler<T> : JsonHandler<T>
        where T : class
    {
        // Past this many distinct texts new ones are parsed every time, so memory stays bounded.
        private const int MaxRemembered = 1024;

        private readonly ConcurrentDictionary<string, T> parsed = new(StringComparer.Ordinal);

        public override T? Parse(object value)
        {
            if (value is not string text)
            {
                return default;
            }

            if (parsed.TryGetValue(text, out var known))
            {
                return known;
            }

            var fresh = base.Parse(text);
            if (fresh is not null && parsed.Count < MaxRemembered)
            {
                parsed.TryAdd(text, fresh);
            }

            return fresh;
        }
    }

    /// <summary>
    /// Maps such as reactions and metadata: an empty object, which every new message's reactions
    /// are, is one shared read-only map instead of a parse and a dictionary per row.
    /// </summary>
    private sealed class DictionaryJsonHandler<TValue> : JsonHandler<IReadOnlyDictionary<string, TValue>>
    {
        public override IReadOnlyDictionary<string, TValue>? Parse(object value) =>
            value is "{}" ? ReadOnlyDictionary<string, TValue>.Empty : base.Parse(value);
    }
}
