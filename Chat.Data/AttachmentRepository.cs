using System.Buffers;
using System.Data;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Data;

/// <summary>Stores uploaded files in PostgreSQL and reads them back in chunks.</summary>
/// <remarks>Reads go through <see cref="DatabasePipeline"/>; each write says whether it does and why.</remarks>
public sealed class AttachmentRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    /// <summary>
    /// How much of a file one read fetches. A download holds a pooled connection only while one
    /// chunk is read, never while a slow client takes its time, and holds this much memory.
    /// </summary>
    internal const int ChunkSize = 256 * 1024;

    internal const string Columns = "id, room_id, uploader_id, file_name, content_type, size, created_at";

    /// <summary>
    /// A CTE that deletes the files of the messages a statement deleted or emptied, unless a live
    /// message still shows the file: the statement names those messages' CTE <c>d</c>, returning
    /// <c>id</c> and <c>attachment_id</c>. Files go with their last message, never before.
    /// </summary>
    internal const string DeleteOrphanedFiles = """
        orphaned_files as (
            delete from attachments a
            where a.id in (select attachment_id from d)
              and not exists (select 1 from messages o
                              where o.attachment_id = a.id and not o.deleted and o.id not in (select id from d)))
        """;

    /// <summary>
    /// Stores a file's description and its bytes, read from <paramref name="content"/> as they are
    /// sent, unless the uploader's files would then hold more than <paramref name="quotaBytes"/>.
    /// </summary>
    /// <remarks>Not retried: the upload's bytes are read from the request as they are stored, and cannot be read twice.</remarks>
    public async Task<AttachmentStored> CreateAsync(
        StoredAttachment attachment, Stream content, long quotaBytes, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into attachments (id, room_id, uploader_id, file_name, content_type, size, data, created_at)
            values (@Id, @RoomId, @UploaderId, @FileName, @ContentType, @Size, @Data, @CreatedAt)
            """;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One user's uploads are stored one at a time, so two at once cannot both fit under the
        // quota that only one of them fits under.
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtextextended(@Key, 0))",
            new { Key = $"uploads:{attachment.UploaderId:N}" },
            transaction,
            cancellationToken: cancellationToken));
        if (await StoredBytesAsync(connection, transaction, attachment.UploaderId, cancellationToken) + attachment.Size > quotaBytes)
        {
            return AttachmentStored.OverQuota;
        }

        // Npgsql streams a Stream parameter into the bytea without copying it into one array
        // first; Dapper cannot bind a Stream, hence the plain command here.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("Id", attachment.Id);
        command.Parameters.AddWithValue("RoomId", attachment.RoomId);
        command.Parameters.AddWithValue("UploaderId", attachment.UploaderId);
        command.Parameters.AddWithValue("FileName", attachment.FileName);
        command.Parameters.AddWithValue("ContentType", attachment.ContentType);
        command.Parameters.AddWithValue("Size", attachment.Size);
        command.Parameters.Add(new NpgsqlParameter("Data", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)attachment.Size) });
        command.Parameters.AddWithValue("CreatedAt", attachment.CreatedAt);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.IsForeignKeyViolation())
        {
            return AttachmentStored.RoomGone;
        }

        await transaction.CommitAsync(cancellationToken);
        return AttachmentStored.Stored;
    }

    /// <summary>How many bytes the user's files hold now.</summary>
    public Task<long> StoredBytesAsync(Guid uploaderId, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(dataSource, (connection, token) => StoredBytesAsync(connection, null, uploaderId, token), cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> files uploaded before <paramref name="uploadedBefore"/>
    /// that no live message shows: uploads never sent, or whose send failed. Returns how many went.
    /// </summary>
    /// <remarks>Not retried: the retention pass that calls it runs again anyway, and picks up what is left.</remarks>
    public async Task<int> DeleteUnusedAsync(DateTime uploadedBefore, int batchSize, CancellationToken cancellationToken = default)
    {
        const string sql = """
            delete from attachments
            where id in (select a.id from attachments a
                         where a.created_at < @UploadedBefore
                           and not exists (select 1 from messages m where m.attachment_id = a.id and not m.deleted)
                         limit @BatchSize)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql, new { UploadedBefore = uploadedBefore, BatchSize = batchSize }, cancellationToken: cancellationToken));
    }

    private static Task<long> StoredBytesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid uploaderId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select coalesce(sum(size), 0)::bigint from attachments where uploader_id = @UploaderId",
            new { UploaderId = uploaderId },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>A file's description, without its bytes.</summary>
    public Task<StoredAttachment?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = $"select {Columns} from attachments where id = @Id";
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.QuerySingleOrDefaultAsync<StoredAttachment>(new CommandDefinition(sql, new { Id = id }, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>Who the live messages that show the file are between: each one's sender and recipient (null for a room message).</summary>
    public Task<IReadOnlyList<AttachmentUse>> UsesAsync(Guid id, CancellationToken cancellationToken = default)
    {
        const string sql = "select sender_id, to_user_id, client_message_id from messages where attachment_id = @Id and not deleted";
        return pipeline.ExecuteAsync<IReadOnlyList<AttachmentUse>>(
            dataSource,
            async (connection, token) => (await connection.QueryAsync<AttachmentUse>(new CommandDefinition(sql, new { Id = id }, cancellationToken: token))).AsList(),
            cancellationToken);
    }

    /// <summary>
    /// Writes the file's bytes to <paramref name="destination"/>, one chunk per query. Returns how
    /// many bytes were written: fewer than the size when the file was deleted meanwhile.
    /// </summary>
    /// <remarks>Each chunk's read is retried on its own; what reached the client already is not read again.</remarks>
    public async Task<long> CopyContentAsync(Guid id, long size, Stream destination, CancellationToken cancellationToken = default)
    {
        // substring() counts from 1; on an uncompressed, out-of-line value it fetches only the
        // TOAST chunks it needs (see the migration), so each query reads one slice of the file.
        const string sql = "select substring(data from @From for @Count) from attachments where id = @Id";
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long written = 0;
            while (written < size)
            {
                var count = (int)Math.Min(ChunkSize, size - written);
                var from = checked((int)written + 1);
                var read = await pipeline.ExecuteAsync(token => ReadChunkAsync(sql, id, from, count, buffer, token), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                written += read;
            }

            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<int> ReadChunkAsync(string sql, Guid id, int from, int count, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("Id", id);
        command.Parameters.AddWithValue("From", from);
        command.Parameters.AddWithValue("Count", count);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
        {
            return 0;
        }

        await using var chunk = await reader.GetStreamAsync(0, cancellationToken);
        return await chunk.ReadAtLeastAsync(buffer.AsMemory(0, count), count, throwOnEndOfStream: false, cancellationToken);
    }
}
