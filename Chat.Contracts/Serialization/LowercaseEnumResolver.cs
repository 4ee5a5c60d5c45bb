using MessagePack;
using MessagePack.Formatters;

namespace Chat.Contracts.Serialization;

/// <summary>
/// Writes every enum as its lowercase name, as the wire contract asks; MessagePack's own
/// enum-as-string resolver keeps the C# casing.
/// </summary>
public sealed class LowercaseEnumResolver : IFormatterResolver
{
    public static readonly LowercaseEnumResolver Instance = new();

    private LowercaseEnumResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = Create();

        private static IMessagePackFormatter<T>? Create()
        {
            var type = typeof(T);
            if (type.IsEnum)
            {
                return (IMessagePackFormatter<T>?)Activator.CreateInstance(
                    typeof(LowercaseEnumFormatter<>).MakeGenericType(type));
            }

            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying is { IsEnum: true })
            {
                return (IMessagePackFormatter<T>?)Activator.CreateInstance(
                    typeof(NullableLowercaseEnumFormatter<>).MakeGenericType(underlying));
            }

            return null;
        }
    }
}

/// <summary>Formats one enum type as lowercase strings, reading any casing back.</summary>
public sealed class LowercaseEnumFormatter<T> : IMessagePackFormatter<T>
    where T : struct, Enum
{
    // Names are computed once per enum type: formatting runs on every message.
    private static readonly Dictionary<T, string> Names =
        Enum.GetValues<T>().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (Names.TryGetValue(value, out var name))
        {
            writer.Write(name);
        }
        else
        {
            writer.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType == MessagePackType.Integer)
        {
            return (T)Enum.ToObject(typeof(T), reader.ReadInt64());
        }

        var text = reader.ReadString();
        if (text is not null && Enum.TryParse<T>(text, ignoreCase: true, out var value))
        {
            return value;
        }

        throw new MessagePackSerializationException($"'{text}' is not a valid {typeof(T).Name}.");
    }
}

/// <summary>The nullable form of <see cref="LowercaseEnumFormatter{T}"/>.</summary>
public sealed class NullableLowercaseEnumFormatter<T> : IMessagePackFormatter<T?>
    where T : struct, Enum
{
    private static readonly LowercaseEnumFormatter<T> Inner = new();

    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is { } present)
        {
            Inner.Serialize(ref writer, present, options);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        reader.TryReadNil() ? null : Inner.Deserialize(ref reader, options);
}
