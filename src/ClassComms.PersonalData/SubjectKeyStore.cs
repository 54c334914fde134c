using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.PersonalData;

/// <summary>A subject's key row: the wrapped data key, or nothing once erased (the row stays as a fence).</summary>
public sealed record SubjectKeyRow(Guid Subject, string Tenant, byte[]? WrappedKey, DateTimeOffset? ErasedAt);

/// <summary>
/// Per-subject data keys, wrapped by the master key, in their own table
/// (<c>personal_data.subject_keys</c>), which can live in its own database with its own backup policy.
/// </summary>
public sealed class SubjectKeyStore(IOptions<PersonalDataOptions> options) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(
        string.IsNullOrWhiteSpace(options.Value.KeyStoreConnectionString)
            ? throw new InvalidOperationException($"{PersonalDataOptions.Section}:{nameof(PersonalDataOptions.KeyStoreConnectionString)} is not configured.")
            : options.Value.KeyStoreConnectionString);

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand("""
            create schema if not exists personal_data;
            create table if not exists personal_data.subject_keys (
                subject_id  uuid primary key,
                tenant_id   text not null,
                wrapped_key bytea null,
                created_at  timestamptz not null default now(),
                erased_at   timestamptz null,
                erased_by   uuid null,
                constraint erased_has_no_key check (erased_at is null or wrapped_key is null)
            );
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Inserts <paramref name="wrappedKey"/> unless the subject already has a row; returns the row that won.</summary>
    public async Task<SubjectKeyRow> GetOrAddAsync(string tenant, Guid subject, byte[] wrappedKey, CancellationToken ct)
    {
        await using var batch = _dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            insert into personal_data.subject_keys (subject_id, tenant_id, wrapped_key) values ($1, $2, $3)
            on conflict (subject_id) do nothing
            """);
        insert.Parameters.AddWithValue(subject);
        insert.Parameters.AddWithValue(tenant);
        insert.Parameters.AddWithValue(NpgsqlDbType.Bytea, wrappedKey);
        var select = new NpgsqlBatchCommand(
            "select subject_id, tenant_id, wrapped_key, erased_at from personal_data.subject_keys where subject_id = $1");
        select.Parameters.AddWithValue(subject);
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

        return rows.Single();
    }

    public async Task<IReadOnlyList<SubjectKeyRow>> FindAsync(IReadOnlyCollection<Guid> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0) return [];
        await using var cmd = _dataSource.CreateCommand(
            "select subject_id, tenant_id, wrapped_key, erased_at from personal_data.subject_keys where subject_id = any($1)");
        cmd.Parameters.AddWithValue(subjects.ToArray());
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// Destroys the subject's key and leaves a fence row so no new key can be created for it.
    /// Creates the fence even if the subject never had a key. Then vacuums the table so the old row
    /// version holding the wrapped key does not linger as a dead tuple.
    /// </summary>
    public async Task EraseAsync(string tenant, Guid subject, Guid erasedBy, CancellationToken ct)
    {
        await using (var cmd = _dataSource.CreateCommand("""
            insert into personal_data.subject_keys (subject_id, tenant_id, wrapped_key, erased_at, erased_by)
            values ($1, $2, null, now(), $3)
            on conflict (subject_id) do update
               set wrapped_key = null,
                   erased_at = coalesce(personal_data.subject_keys.erased_at, now()),
                   erased_by = coalesce(personal_data.subject_keys.erased_by, $3)
             where personal_data.subject_keys.tenant_id = $2
            """))
        {
            cmd.Parameters.AddWithValue(subject);
            cmd.Parameters.AddWithValue(tenant);
            cmd.Parameters.AddWithValue(erasedBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await using var vacuum = _dataSource.CreateCommand("vacuum personal_data.subject_keys");
        await vacuum.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Test and demo reset only.</summary>
    public async Task DeleteAllAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand("truncate personal_data.subject_keys");
        await cmd.ExecuteNonQueryAsync(ct);
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
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
