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
    internal static readonly JsonSerializerOptions Json = ChatSerialization.Json;

    private static int registered;

    /// <summary>Registers the handlers with Dapper once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new JsonHandler<RoomSettings>());
        SqlMapper.AddTypeHandler(new JsonHandler<IReadOnlyDictionary<string, string>>());
        SqlMapper.AddTypeHandler(new JsonHandler<IReadOnlyDictionary<string, int>>());
        SqlMapper.AddTypeHandler(new JsonHandler<IReadOnlyList<MessagePartDto>>());
        SqlMapper.AddTypeHandler(new JsonHandler<MessageErrorDto>());
    }

    /// <summary>Serializes a value for a <c>jsonb</c> parameter.</summary>
    public static string? ToJson<T>(T? value) => value is null ? null : JsonSerializer.Serialize(value, Json);

    /// <summary>Reads a <c>jsonb</c> column's text, for readers that map rows by hand.</summary>
    public static T? FromJson<T>(string text) => JsonSerializer.Deserialize<T>(text, Json);

    private sealed class JsonHandler<T> : SqlMapper.TypeHandler<T>
    {
        public override T? Parse(object value) =>
            value is string text ? FromJson<T>(text) : default;

        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            parameter.Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, Json);
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
        }
    }
}
