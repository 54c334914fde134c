using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.PersonalData;

/// <summary>
/// One row of <c>personal_data.subject_keys</c>. Period 0 is the subject's anchor: it holds the version-1 key if the subject
/// has one, and once the subject is erased it is the fence (no key, <see cref="ErasedAt"/> set) and the only row left.
/// Other periods hold the data key of that retention period, wrapped under the master key <see cref="MasterKeyId"/>.
/// </summary>
public sealed record SubjectKeyRow(Guid Subject, int Period, string Tenant, string MasterKeyId, byte[]? WrappedKey, DateTimeOffset? ErasedAt);

/// <summary>
/// Per-subject, per-period data keys, wrapped by a master key, in their own table (<c>personal_data.subject_keys</c>),
/// which lives in its own database in production (no long-lived transactions there, so the vacuum at erasure can remove
/// the old row versions) with its own backup policy.
/// </summary>
public sealed class SubjectKeyStore(IOptions<PersonalDataOptions> options) : IAsyncDisposable
{
    /// <summary>Channel on which erasures are announced to every node (payload: subject id, or <c>*</c> for all).</summary>
    public const string EvictionChannel = "classcomms_key_evictions";

    private const string Columns = "subject_id, period, tenant_id, master_key_id, wrapped_key, erased_at";

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(
        string.IsNullOrWhiteSpace(options.Value.KeyStoreConnectionString)
            ? throw new InvalidOperationException($"{PersonalDataOptions.Section}:{nameof(PersonalDataOptions.KeyStoreConnectionString)} is not configured.")
            : options.Value.KeyStoreConnectionString);

    internal NpgsqlDataSource DataSource => _dataSource;

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select pg_advisory_xact_lock(7316452019);
            create schema if not exists personal_data;
            create table if not exists personal_data.subject_keys (
                subject_id    uuid not null,
                period        int not null default 0,
                tenant_id     text not null,
                master_key_id text not null default '',
                wrapped_key   bytea null,
                created_at    timestamptz not null default now(),
                erased_at     timestamptz null,
                erased_by     uuid null,
                constraint subject_keys_pkey primary key (subject_id, period),
                constraint erased_has_no_key check (erased_at is null or wrapped_key is null)
            );
            -- Version 1 of the table: one key per subject, wrapped by the single master key now known as 'default'.
            alter table personal_data.subject_keys add column if not exists period int not null default 0;
            alter table personal_data.subject_keys add column if not exists master_key_id text not null default 'default';
            do $$ begin
              if exists (select 1 from pg_index where indrelid = 'personal_data.subject_keys'::regclass and indisprimary and indnatts = 1) then
                alter table personal_data.subject_keys drop constraint subject_keys_pkey;
                alter table personal_data.subject_keys add constraint subject_keys_pkey primary key (subject_id, period);
              end if;
              if (select column_default from information_schema.columns
                   where table_schema = 'personal_data' and table_name = 'subject_keys' and column_name = 'master_key_id') <> '''''::text' then
                alter table personal_data.subject_keys alter column master_key_id set default '';
              end if;
            end $$;
            """, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Inserts <paramref name="wrappedKey"/> as the subject's key for <paramref name="period"/> unless it has one, in one
    /// transaction that holds the subject's anchor row: no key is ever added for an erased subject, even while it is
    /// being erased. Returns every row of the subject (the anchor first).
    /// </summary>
    public async Task<IReadOnlyList<SubjectKeyRow>> GetOrAddAsync(string tenant, Guid subject, int period, string masterKeyId, byte[] wrappedKey, CancellationToken ct)
    {
        if (period == KeyPeriods.Legacy) throw new ArgumentOutOfRangeException(nameof(period), "Period 0 keys are never created any more.");
        await using var batch = _dataSource.CreateBatch();
        var anchor = new NpgsqlBatchCommand("""
            insert into personal_data.subject_keys (subject_id, period, tenant_id) values ($1, 0, $2)
            on conflict (subject_id, period) do nothing
            """);
        anchor.Parameters.AddWithValue(subject);
        anchor.Parameters.AddWithValue(tenant);
        var insert = new NpgsqlBatchCommand("""
            with anchor as (
                select 1 from personal_data.subject_keys
                 where subject_id = $1 and period = 0 and tenant_id = $2 and erased_at is null
                   for share)
            insert into personal_data.subject_keys (subject_id, period, tenant_id, master_key_id, wrapped_key)
            select $1, $3, $2, $4, $5 from anchor
            on conflict (subject_id, period) do nothing
            """);
        insert.Parameters.AddWithValue(subject);
        insert.Parameters.AddWithValue(tenant);
        insert.Parameters.AddWithValue(period);
        insert.Parameters.AddWithValue(masterKeyId);
        insert.Parameters.AddWithValue(NpgsqlDbType.Bytea, wrappedKey);
        var select = new NpgsqlBatchCommand($"select {Columns} from personal_data.subject_keys where subject_id = $1 order by period");
        select.Parameters.AddWithValue(subject);
        batch.BatchCommands.Add(anchor);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(select);
        var rows = new List<SubjectKeyRow>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do
            {
                while (await reader.ReadAsync(ct)) rows.Add(Read(reader));
            } while (await reader.NextResultAsync(ct));
        }

        return rows;
    }

    /// <summary>Every row (all periods) of the given subjects.</summary>
    public async Task<IReadOnlyList<SubjectKeyRow>> FindAsync(IReadOnlyCollection<Guid> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0) return [];
        await using var cmd = _dataSource.CreateCommand(
            $"select {Columns} from personal_data.subject_keys where subject_id = any($1) order by subject_id, period");
        cmd.Parameters.AddWithValue(subjects.ToArray());
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// Destroys every key of the subject (all periods) and leaves the anchor as a fence so no new key can be created for
    /// it; creates the fence even if the subject never had a key. Announces the erasure to every node (NOTIFY, delivered
    /// at commit), then rewrites the table (VACUUM FULL) so no old row version or leftover byte of a wrapped key stays in its pages.
    /// A subject of another tenant is left untouched.
    /// </summary>
    public async Task EraseAsync(string tenant, Guid subject, Guid erasedBy, CancellationToken ct)
    {
        await using (var batch = _dataSource.CreateBatch())
        {
            var fence = new NpgsqlBatchCommand("""
                insert into personal_data.subject_keys (subject_id, period, tenant_id, wrapped_key, erased_at, erased_by)
                values ($1, 0, $2, null, now(), $3)
                on conflict (subject_id, period) do update
                   set wrapped_key = null,
                       master_key_id = '',
                       erased_at = coalesce(personal_data.subject_keys.erased_at, now()),
                       erased_by = coalesce(personal_data.subject_keys.erased_by, $3)
                 where personal_data.subject_keys.tenant_id = $2
                """);
            fence.Parameters.AddWithValue(subject);
            fence.Parameters.AddWithValue(tenant);
            fence.Parameters.AddWithValue(erasedBy);
            var keys = new NpgsqlBatchCommand("delete from personal_data.subject_keys where subject_id = $1 and period <> 0 and tenant_id = $2");
            keys.Parameters.AddWithValue(subject);
            keys.Parameters.AddWithValue(tenant);
            var notify = new NpgsqlBatchCommand($"select pg_notify('{EvictionChannel}', $1)");
            notify.Parameters.AddWithValue(subject.ToString());
            batch.BatchCommands.Add(fence);
            batch.BatchCommands.Add(keys);
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(ct);
        }

        // A plain VACUUM removes the dead row versions but leaves their bytes in the pages' free space (measured: the
        // newest row of a page survives compaction); VACUUM FULL rewrites the table into fresh pages. It locks the (small)
        // key table for the rewrite; erasures are rare. It only removes what no open transaction in this database can see.
        await using var vacuum = _dataSource.CreateCommand("vacuum full personal_data.subject_keys");
        await vacuum.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Up to <paramref name="limit"/> live keys wrapped under another master key than <paramref name="masterKeyId"/>.</summary>
    public async Task<IReadOnlyList<SubjectKeyRow>> FindWrappedUnderOtherAsync(string masterKeyId, int limit, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand($"""
            select {Columns} from personal_data.subject_keys
             where wrapped_key is not null and master_key_id <> $1
             order by subject_id, period limit $2
            """);
        cmd.Parameters.AddWithValue(masterKeyId);
        cmd.Parameters.AddWithValue(limit);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Replaces a wrapped key by the same data key wrapped under another master key, unless the row changed meanwhile.</summary>
    public async Task<bool> ReplaceWrappedKeyAsync(SubjectKeyRow row, string masterKeyId, byte[] wrappedKey, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand("""
            update personal_data.subject_keys set master_key_id = $3, wrapped_key = $4
             where subject_id = $1 and period = $2 and master_key_id = $5 and wrapped_key = $6
            """);
        cmd.Parameters.AddWithValue(row.Subject);
        cmd.Parameters.AddWithValue(row.Period);
        cmd.Parameters.AddWithValue(masterKeyId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bytea, wrappedKey);
        cmd.Parameters.AddWithValue(row.MasterKeyId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bytea, row.WrappedKey!);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The master keys that still wrap at least one live data key (an id not listed can be destroyed).</summary>
    public async Task<IReadOnlyList<string>> MasterKeyIdsInUseAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(
            "select distinct master_key_id from personal_data.subject_keys where wrapped_key is not null order by 1");
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Removes dead row versions (old wrapped keys) from the table's pages.</summary>
    public async Task VacuumAsync(CancellationToken ct)
    {
        await using var vacuum = _dataSource.CreateCommand("vacuum personal_data.subject_keys");
        await vacuum.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<SubjectKeyRow>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<SubjectKeyRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static SubjectKeyRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetInt32(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
