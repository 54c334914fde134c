using ClassComms.Dpo;
using ClassComms.Platform;
using ClassComms.Retention;
using Npgsql;

namespace ClassComms.AccessLog;

/// <summary>
/// The retention step of the access log (kind <c>accessLog</c>): entries older than the school's <see cref="RetentionPolicy.AccessLogMonths"/>
/// are deleted, oldest first, and the chain keeps verifying from a signed anchor. Due: the newest entry such that it and every entry
/// before it are older than the cutoff (now − the months); the plan names that entry's id (one id: the last entry to remove). Applying it,
/// in one transaction under the school's access-log lock (the lock appends take): the anchor (that entry's number and stored hash,
/// signed with the school's key, the count removed in all) is inserted and every entry up to it is deleted. The next append and
/// every verification start from the anchor. Idempotent: when the entry is already gone (a repeated run), nothing happens; a run
/// right after another finds nothing due. Erased students' entries are removed like the others (their details were already unreadable).
/// </summary>
public sealed class AccessLogRetention(ClassCommsDatabase database, SchoolSigning signing, ILogger<AccessLogRetention> logger) : IRetentionStep
{
    public const string TheKind = "accessLog";

    public string Kind => TheKind;

    /// <summary>Entries at or after this time are kept.</summary>
    public static DateTimeOffset Cutoff(DateTimeOffset now, int months) => now.ToUniversalTime().AddMonths(-months);

    public async Task<IReadOnlyList<Guid>> DueAsync(Guid schoolId, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand($"""
            select id from {AccessLogChain.Table} where school_id = $1 and at < $2
               and seq < coalesce((select min(seq) from {AccessLogChain.Table} where school_id = $1 and at >= $2), 9223372036854775807)
             order by seq desc limit 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Cutoff(now, policy.AccessLogMonths) });
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? [id] : [];
    }

    public async Task ApplyAsync(Guid schoolId, IReadOnlyList<Guid> ids, Guid actor, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            long seq;
            byte[] hash;
            DateTimeOffset at;
            await using (var find = database.DataSource.CreateCommand($"select seq, hash, at from {AccessLogChain.Table} where school_id = $1 and id = $2"))
            {
                find.Parameters.Add(new NpgsqlParameter { Value = schoolId });
                find.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await find.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct)) continue; // already removed by an earlier run
                (seq, hash, at) = (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<DateTimeOffset>(2));
            }

            var head = new AccessLogHead(schoolId, seq, Convert.ToHexStringLower(hash), AccessLogChain.Truncate(now));
            var signature = await signing.SignAsync(schoolId, head.Message(), ct);

            await using var connection = await database.DataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
            {
                take.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLocks.Keys("access-log", [schoolId]).Single() });
                await take.ExecuteScalarAsync(ct);
            }

            long removed;
            await using (var anchor = new NpgsqlCommand($"""
                             insert into {AccessLogChain.AnchorTable} (school_id, seq, hash, signed_at, key_id, signature, removed, last_removed_at)
                             select $1, $2, $3, $4, $5, $6,
                                    coalesce((select removed from {AccessLogChain.AnchorTable} where school_id = $1 order by seq desc limit 1), 0)
                                    + (select count(*) from {AccessLogChain.Table} where school_id = $1 and seq <= $2), $7
                              where exists (select 1 from {AccessLogChain.Table} where school_id = $1 and seq = $2 and hash = $3)
                             on conflict do nothing
                             returning removed
                             """, connection, tx))
            {
                anchor.Parameters.Add(new NpgsqlParameter { Value = schoolId });
                anchor.Parameters.Add(new NpgsqlParameter { Value = seq });
                anchor.Parameters.Add(new NpgsqlParameter { Value = hash });
                anchor.Parameters.Add(new NpgsqlParameter { Value = head.At, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                anchor.Parameters.Add(new NpgsqlParameter { Value = signature.KeyId });
                anchor.Parameters.Add(new NpgsqlParameter { Value = signature.Signature });
                anchor.Parameters.Add(new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                if (await anchor.ExecuteScalarAsync(ct) is not long total) continue; // removed meanwhile by another run
                removed = total;
            }

            await using (var delete = new NpgsqlCommand($"delete from {AccessLogChain.Table} where school_id = $1 and seq <= $2", connection, tx))
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = schoolId });
                delete.Parameters.Add(new NpgsqlParameter { Value = seq });
                var deleted = await delete.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                logger.LogInformation("Access log retention of school {SchoolId}: {Deleted} entries up to entry {Seq} removed ({Removed} in all), anchored",
                    schoolId, deleted, seq, removed);
            }
        }
    }
}
