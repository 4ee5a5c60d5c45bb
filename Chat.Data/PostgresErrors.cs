using Npgsql;

namespace Chat.Data;

/// <summary>The PostgreSQL error states the repositories turn into outcomes.</summary>
internal static class PostgresErrors
{
    public static bool IsUniqueViolation(this PostgresException e) => e.SqlState == PostgresErrorCodes.UniqueViolation;

    public static bool IsForeignKeyViolation(this PostgresException e) => e.SqlState == PostgresErrorCodes.ForeignKeyViolation;
}
