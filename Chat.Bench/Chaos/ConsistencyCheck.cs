using Npgsql;

namespace Chat.Bench.Chaos;

/// <summary>What the checker counted. The first three must be 0.</summary>
public sealed record ConsistencyCounts
{
    /// <summary>Acked messages whose acked id is not in the database.</summary>
    public required long Lost { get; init; }

    /// <summary>Intended messages (one marker each) stored as more than one row.</summary>
    public required long Duplicated { get; init; }

    /// <summary>Acked messages that some member of the room (other than the sender) never received, live or through Sync.</summary>
    public required long NotConverged { get; init; }

    /// <summary>The (message, member) pairs behind <see cref="NotConverged"/>.</summary>
    public required long MissingReceipts { get; init; }

    /// <summary>Messages a member received with a seq not above the one it received before.</summary>
    public required long OrderViolations { get; init; }

    /// <summary>Messages a member received twice.</summary>
    public required long Repeats { get; init; }

    public required long RowsStored { get; init; }

    /// <summary>Rows beyond the first for duplicated messages.</summary>
    public required long ExtraRows { get; init; }

    /// <summary>Sends that failed in the end (the client gave up) and were stored all the same: not lost, but never acked.</summary>
    public required long FailedButStored { get; init; }

    /// <summary>Acks whose seq differs from the stored row's.</summary>
    public required long AckSeqMismatches { get; init; }

    /// <summary>Acks that said duplicate: an earlier attempt of the same send had been stored.</summary>
    public required long DuplicateAcks { get; init; }

    public bool Passed => Lost == 0 && Duplicated == 0 && NotConverged == 0;
}

/// <summary>
/// The checker, in the manner of Jepsen: compares what the senders were told and what the
/// members received (the ledger) with what the database holds, once the run is over and every
/// client has caught up.
/// </summary>
public static class ConsistencyCheck
{
    public static async Task<ConsistencyCounts> RunAsync(
        MessageLedger ledger, MessageMarker marker, string connectionString, IReadOnlyList<Guid> rooms, IReadOnlyList<ChaosMember> members, CancellationToken cancellationToken)
    {
        var count = ledger.Count;
        var copies = new byte[count];
        var ackedRowFound = new bool[count];
        long rows = 0, seqMismatches = 0;

        // The run's own connection: the nodes' pools may hold connections a restart broke.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select id, seq, content from messages where room_id = any(@rooms)", connection);
            command.Parameters.AddWithValue("rooms", rooms.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!marker.TryRead(reader.GetString(2), out var number) || number >= count)
                {
                    // Join notices of the members, and the like.
                    continue;
                }

                rows++;
                copies[number] = (byte)Math.Min(byte.MaxValue, copies[number] + 1);
                ref var message = ref ledger.At(number);
                if (message.Outcome == SendOutcome.Acked && message.MessageId == reader.GetGuid(0))
                {
                    ackedRowFound[number] = true;
                    if (message.Seq != reader.GetInt64(1))
                    {
                        seqMismatches++;
                    }
                }
            }
        }

        long lost = 0, duplicated = 0, extra = 0, notConverged = 0, missing = 0, failedButStored = 0, duplicateAcks = 0;
        for (long number = 0; number < count; number++)
        {
            ref var message = ref ledger.At(number);
            if (copies[number] > 1)
            {
                duplicated++;
                extra += copies[number] - 1;
            }

            if (message.Outcome == SendOutcome.Failed && copies[number] > 0)
            {
                failedButStored++;
            }

            if (message.Outcome != SendOutcome.Acked)
            {
                continue;
            }

            duplicateAcks += message.Duplicate ? 1 : 0;
            lost += ackedRowFound[number] ? 0 : 1;
            var missingHere = 0;
            for (var slot = 0; slot < ledger.MembersPerRoom; slot++)
            {
                missingHere += slot != message.Sender && ledger.ReceivedAt(number, slot) == 0 ? 1 : 0;
            }

            notConverged += missingHere > 0 ? 1 : 0;
            missing += missingHere;
        }

        return new ConsistencyCounts
        {
            Lost = lost,
            Duplicated = duplicated,
            NotConverged = notConverged,
            MissingReceipts = missing,
            OrderViolations = members.Sum(m => m.OrderViolations),
            Repeats = members.Sum(m => m.Repeats),
            RowsStored = rows,
            ExtraRows = extra,
            FailedButStored = failedButStored,
            AckSeqMismatches = seqMismatches,
            DuplicateAcks = duplicateAcks,
        };
    }
}
