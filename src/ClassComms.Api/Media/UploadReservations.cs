using ClassComms.Platform;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClassComms.Media;

/// <summary>
/// Bytes an upload in progress holds against its uploader's quota, and the durable record of its blob until it is
/// committed. A row is written (and committed) before the first byte of the blob, grown while the upload is read, and
/// deleted in the same transaction that stores the <see cref="MediaObject"/> (<see cref="SettleSql"/>), so at every
/// moment a user's usage is their stored media plus their live reservations. Growing a reservation takes a per-user
/// advisory lock and checks that sum against the quota, so parallel uploads can never together pass it.
/// A reservation that is never settled (the commit failed and the compensation did not run, or the process died)
/// expires after <see cref="MediaOptions.UploadReservationLifetime"/> and is swept with its blob
/// (<see cref="MediaStore.SweepAbandonedUploadsAsync"/>). Ids and sizes only.
/// </summary>
public sealed class UploadReservations
{
    public const string Table = "classcomms.media_upload_reservations";
    private const string MediaTable = "classcomms.mt_doc_mediaobject";
    private const string SettleFunction = "classcomms.media_upload_settle";
    private readonly NpgsqlDataSource _db;
    private readonly IOptions<MediaOptions> _options;
    private readonly TimeProvider _clock;

    public UploadReservations(ClassCommsDatabase database, IOptions<MediaOptions> options, TimeProvider clock)
    {
        _db = database.DataSource;
        (_options, _clock) = (options, clock);
    }

    /// <summary>
    /// SQL (one parameter: the upload id) that ends a reservation inside the transaction storing its media, and fails
    /// that transaction when the reservation is gone (it expired and was swept together with the blob).
    /// </summary>
    public static string SettleSql => $"select {SettleFunction}(?)";

    /// <summary>
    /// The reservations table and the settle function, for <c>StoreOptions.Storage.ExtendedSchemaObjects</c>: part of Marten's
    /// schema, so <c>resources setup</c> (at start in Development and Testing) creates them and a start outside Development
    /// checks them. The function is written as PostgreSQL prints it back, so the check finds no difference.
    /// </summary>
    public static IEnumerable<Weasel.Core.ISchemaObject> SchemaObjects()
    {
        var table = new Weasel.Postgresql.Tables.Table(Table) { PrimaryKeyName = "media_upload_reservations_pkey" };
        table.AddColumn("id", "uuid").AsPrimaryKey();
        table.AddColumn("tenant_id", "text").NotNull();
        table.AddColumn("user_id", "uuid").NotNull();
        table.AddColumn("bytes", "bigint").NotNull();
        table.AddColumn("blob_name", "text").NotNull();
        table.AddColumn("expires_at", "timestamptz").NotNull();
        table.Indexes.Add(new Weasel.Postgresql.Tables.IndexDefinition("media_upload_reservations_user") { Columns = ["tenant_id", "user_id"] });
        table.Indexes.Add(new Weasel.Postgresql.Tables.IndexDefinition("media_upload_reservations_expiry") { Columns = ["expires_at"] });
        yield return table;
        yield return Weasel.Postgresql.Functions.Function.ForSql($"""
            CREATE OR REPLACE FUNCTION {SettleFunction}(upload uuid)
             RETURNS void
             LANGUAGE plpgsql
            AS $function$
            begin
                delete from {Table} where id = upload;
                if not found then
                    raise exception 'upload % has no reservation (it expired and was swept)', upload using errcode = 'P0002';
                end if;
            end $function$;
            """);
    }

    /// <summary>
    /// Makes <paramref name="reservation"/> hold at least <paramref name="total"/> bytes (a step more when that fits, so an
    /// upload is not a round trip per buffer); false when even <paramref name="total"/> would take the uploader past the quota.
    /// </summary>
    public async Task<bool> EnsureAsync(UploadReservation reservation, long total, CancellationToken ct)
    {
        if (total <= reservation.Bytes) return true;
        var quota = _options.Value.QuotaBytesPerUser;
        if (total > quota) return false;
        var step = Math.Max(1, _options.Value.QuotaReservationStep);
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var now = _clock.GetUtcNow();
        long used;
        await using (var command = new NpgsqlCommand($"""
            select pg_advisory_xact_lock(hashtextextended('classcomms.media-quota/' || @tenant || '/' || @user::text, 0));
            select (select coalesce(sum((data ->> 'Size')::bigint), 0) from {MediaTable}
                    where tenant_id = @tenant and (data ->> 'UploadedBy')::uuid = @user and data ->> 'DeletedAt' is null)
                 + (select coalesce(sum(bytes), 0) from {Table}
                    where tenant_id = @tenant and user_id = @user and id <> @id and expires_at > @now);
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("tenant", reservation.Tenant);
            command.Parameters.AddWithValue("user", reservation.UserId);
            command.Parameters.AddWithValue("id", reservation.Id);
            command.Parameters.AddWithValue("now", now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            used = reader.GetInt64(0);
        }

        if (used + total > quota) return false; // rolled back: nothing changes
        var bytes = Math.Min(quota - used, total + step);
        await using (var command = new NpgsqlCommand($"""
            insert into {Table} (id, tenant_id, user_id, bytes, blob_name, expires_at) values (@id, @tenant, @user, @bytes, @blob, @expires)
            on conflict (id) do update set bytes = excluded.bytes, expires_at = excluded.expires_at
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", reservation.Id);
            command.Parameters.AddWithValue("tenant", reservation.Tenant);
            command.Parameters.AddWithValue("user", reservation.UserId);
            command.Parameters.AddWithValue("bytes", bytes);
            command.Parameters.AddWithValue("blob", reservation.BlobName);
            command.Parameters.AddWithValue("expires", now + _options.Value.UploadReservationLifetime);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        reservation.Bytes = bytes;
        return true;
    }

    /// <summary>Ends a reservation whose upload was refused, failed or discarded (its blob already deleted).</summary>
    public async Task ReleaseAsync(Guid uploadId, CancellationToken ct)
    {
        await using var command = _db.CreateCommand($"delete from {Table} where id = $1");
        command.Parameters.AddWithValue(uploadId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the upload still holds a reservation (tests, diagnostics).</summary>
    public async Task<bool> ExistsAsync(Guid uploadId, CancellationToken ct)
    {
        await using var command = _db.CreateCommand($"select exists (select 1 from {Table} where id = $1)");
        command.Parameters.AddWithValue(uploadId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Removes reservations that expired before <paramref name="now"/>, after <paramref name="deleteBlob"/> has deleted
    /// their blobs. Rows are locked while that happens (other nodes skip them), and a settle racing with the sweep waits
    /// and then fails its transaction, so no media is committed without its blob. Returns how many were swept.
    /// </summary>
    public async Task<int> SweepAsync(DateTimeOffset now, Func<string, CancellationToken, Task> deleteBlob, CancellationToken ct)
    {
        var swept = 0;
        while (true)
        {
            await using var connection = await _db.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var expired = new List<(Guid Id, string BlobName)>();
            await using (var command = new NpgsqlCommand(
                             $"select id, blob_name from {Table} where expires_at <= @now order by expires_at limit 100 for update skip locked",
                             connection, transaction))
            {
                command.Parameters.AddWithValue("now", now);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) expired.Add((reader.GetGuid(0), reader.GetString(1)));
            }

            if (expired.Count == 0) return swept;
            foreach (var (_, blobName) in expired) await deleteBlob(blobName, ct);
            await using (var command = new NpgsqlCommand($"delete from {Table} where id = any(@ids)", connection, transaction))
            {
                command.Parameters.AddWithValue("ids", expired.Select(e => e.Id).ToArray());
                await command.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            swept += expired.Count;
        }
    }

}

/// <summary>One upload's hold on its uploader's quota; the id is the media id, the blob is the one being written.</summary>
public sealed class UploadReservation(Guid id, string tenant, Guid userId, string blobName)
{
    public Guid Id { get; } = id;
    public string Tenant { get; } = tenant;
    public Guid UserId { get; } = userId;
    public string BlobName { get; } = blobName;

    /// <summary>Bytes reserved and committed so far.</summary>
    public long Bytes { get; set; }
}

/// <summary>
/// Runs <see cref="MediaStore.SweepAbandonedUploadsAsync"/> every <see cref="MediaOptions.AbandonedUploadSweepInterval"/>
/// on every node (rows are claimed with <c>skip locked</c>). The reservations are in PostgreSQL, so a crash loses nothing:
/// the next sweep on any node finds them.
/// </summary>
public sealed class AbandonedUploadSweeper(MediaStore media, TimeProvider clock, ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(media.Options.AbandonedUploadSweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var swept = await media.SweepAbandonedUploadsAsync(clock.GetUtcNow(), stoppingToken);
                if (swept > 0) logger.LogInformation("Swept {Count} abandoned uploads and their blobs", swept);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping abandoned uploads failed; the next sweep retries");
            }
        }
    }
}
