using System.Text.Json;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.AccessLog;

/// <summary>
/// The one place staff reads of student data are logged: each read endpoint calls <see cref="RecordAsync(Caller, IReadOnlyList{StaffRead}, CancellationToken)"/>
/// once it has decided to answer (after its access check, before it returns the data). Only staff (teacher, leader, DPO) are
/// logged; a guardian's or student's read of the child's own data is not (it is theirs). The entry's details (what kind, which
/// item) are sealed under the student's key, bound to the entry id; ids, the reader's role and the time stay plain.
/// Cost: one round trip (a two-statement batch PostgreSQL runs as one implicit transaction: the school's advisory lock, then
/// one INSERT that reads the chain's head and computes the hashes in SQL), plus a key lookup when the student's key is not
/// cached (reads that unseal the student's values have just loaded it). The lock serialises appends per school, so two
/// requests never fork the chain; the primary key (school, seq) would refuse a fork anyway. A read whose entry cannot be
/// written fails (500): nothing is served unlogged.
/// </summary>
public sealed class StaffReads(ClassCommsDatabase database, PersonalDataVault vault, TimeProvider clock)
{
    private static readonly string AppendSql = $"""
        with recursive
        input as (select * from unnest($2::uuid[], $3::uuid[], $4::bytea[], $5::bytea[]) with ordinality as i(id, student_id, details, body, n)),
        head as (select seq, hash from (select seq, hash from {AccessLogChain.Table} where school_id = $1
                                        union all select seq, hash from {AccessLogChain.AnchorTable} where school_id = $1) h
                 order by seq desc limit 1),
        chain (n, seq, hash) as (
            select 0::bigint, coalesce((select seq from head), 0::bigint), coalesce((select hash from head), $6::bytea)
            union all
            select c.n + 1, c.seq + 1, sha256(c.hash || int8send(c.seq + 1) || i.body) from chain c join input i on i.n = c.n + 1)
        insert into {AccessLogChain.Table} (school_id, seq, id, at, reader_id, reader_role, student_id, details, hash)
        select $1, c.seq, i.id, $7, $8, $9, i.student_id, i.details, c.hash from chain c join input i on i.n = c.n
        """;

    /// <summary>Logs one read by <paramref name="caller"/> when they are staff.</summary>
    public Task RecordAsync(Caller caller, Guid studentId, string kind, Guid? itemId, CancellationToken ct) =>
        RecordAsync(caller, [new StaffRead(studentId, kind, itemId)], ct);

    /// <summary>Logs <paramref name="reads"/> by <paramref name="caller"/> (in order, one entry each) when they are staff.</summary>
    public async Task RecordAsync(Caller caller, IReadOnlyList<StaffRead> reads, CancellationToken ct)
    {
        if (!caller.IsStaff || reads.Count == 0) return;
        var at = AccessLogChain.Truncate(clock.GetUtcNow());
        var role = caller.Role.ToString().ToLowerInvariant();
        var ids = new Guid[reads.Count];
        var students = new Guid[reads.Count];
        var details = new byte[]?[reads.Count];
        var bodies = new byte[reads.Count][];
        for (var i = 0; i < reads.Count; i++)
        {
            var read = reads[i];
            ids[i] = Guid.CreateVersion7(at);
            students[i] = read.StudentId;
            details[i] = await SealAsync(caller.Tenant, ids[i], read, ct);
            bodies[i] = AccessLogChain.Body(caller.SchoolId, ids[i], at, caller.UserId, role, read.StudentId, details[i]);
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var lockCommand = new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))");
        lockCommand.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLocks.Keys("access-log", [caller.SchoolId]).Single() });
        batch.BatchCommands.Add(lockCommand);
        var insert = new NpgsqlBatchCommand(AppendSql);
        insert.Parameters.Add(new NpgsqlParameter { Value = caller.SchoolId });
        insert.Parameters.Add(new NpgsqlParameter { Value = ids });
        insert.Parameters.Add(new NpgsqlParameter { Value = students });
        insert.Parameters.Add(new NpgsqlParameter { Value = details, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = bodies, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = AccessLogChain.Genesis });
        insert.Parameters.Add(new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = caller.UserId });
        insert.Parameters.Add(new NpgsqlParameter { Value = role });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>What was read, sealed for the student; null when the student is already erased (nothing of theirs to keep).</summary>
    private async Task<byte[]?> SealAsync(string tenant, Guid entryId, StaffRead read, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new AccessDetails(read.Kind, read.ItemId), JsonSerializerOptions.Web);
        try
        {
            return await vault.SealBytesAsync(tenant, [read.StudentId], AccessLogChain.Field, entryId.ToString(), json, ct);
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }
}

/// <summary>The sealed part of an entry.</summary>
public sealed record AccessDetails(string Kind, Guid? ItemId);
