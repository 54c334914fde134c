using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Guardians;
using ClassComms.Notifications;
using ClassComms.Students;
using JasperFx.CommandLine;
using Marten;
using Npgsql;

namespace ClassComms.Retention;

/// <summary>What one pass did: points moved to their month key, notes re-sealed, notes dropped (their month key was already destroyed), notes already unreadable (the student erased).</summary>
public sealed record LegacyPointsResealed(int Points, int NotesResealed, int NotesDropped, int NotesAlreadyUnreadable);

/// <summary>Set once every legacy point of the database has been moved to its month key; start-up skips the scan while it stands.</summary>
public sealed class LegacyPointsMigration
{
    public const string TheId = "legacy-point-notes";

    public string Id { get; set; } = TheId;
    public DateTimeOffset CompletedAt { get; set; }
    public int Points { get; set; }
}

/// <summary>
/// Points awarded before month keys (Retention/RetentionKeys.cs) carry no <c>RetentionKey</c> and a note sealed under the student's key
/// only, so destroying month keys could not shred them. This one-off, idempotent step moves each of them to the month key of the UTC month
/// it was awarded in: the note is opened and sealed again under the student's key and that month key (bound to the point, as a new award
/// seals it), and the ciphertext is replaced in the <c>PointAwarded</c> event and in its point and feed documents, with
/// <c>RetentionKey</c> set. The meaning of the event does not change (same point, same note, one more key layer), its sequence, version
/// and time stay; the student's stream is locked for the transaction as an award or removal locks it, so no concurrent write overwrites it.
/// When the month key was already destroyed (a restore of a backup taken before this step, with the ledger re-applied first), the note is
/// dropped instead: it would have been shredded. A student already erased has an unreadable note: only <c>RetentionKey</c> is set. The
/// retention run then destroys month keys as usual. Runs at start-up after the erasure ledger (before <c>/health/ready</c>), unless
/// <see cref="LegacyPointsMigration"/> says it is done, and on demand: <c>dotnet ClassComms.Api.dll retention reseal</c>.
/// </summary>
public sealed class LegacyPointNotes(IDocumentStore store, ClassCommsDatabase database, PersonalDataVault vault, ILogger<LegacyPointNotes> logger)
{
    public const string NoteField = "point.note";

    /// <summary>Start-up: the pass, unless a completed one is recorded in this database.</summary>
    public async Task ResealUnlessDoneAsync(TimeProvider clock, CancellationToken ct)
    {
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<LegacyPointsMigration>(LegacyPointsMigration.TheId, ct) is not null) return;
        }

        var done = await ResealAllAsync(ct);
        await using var session = store.LightweightSession();
        session.Store(new LegacyPointsMigration { CompletedAt = clock.GetUtcNow(), Points = done.Points });
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Moves every legacy point of every school to its month key; a second pass finds none.</summary>
    public async Task<LegacyPointsResealed> ResealAllAsync(CancellationToken ct)
    {
        var students = new List<(string Tenant, Guid StudentId)>();
        await using (var command = database.DataSource.CreateCommand($"""
                         select distinct tenant_id, stream_id from {Events} where type = '{EventType}' and data ->> 'RetentionKey' is null
                         """))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) students.Add((reader.GetString(0), reader.GetGuid(1)));
        }

        var total = new LegacyPointsResealed(0, 0, 0, 0);
        foreach (var (tenant, studentId) in students)
        {
            var one = await ResealStudentAsync(tenant, studentId, ct);
            total = new LegacyPointsResealed(total.Points + one.Points, total.NotesResealed + one.NotesResealed,
                total.NotesDropped + one.NotesDropped, total.NotesAlreadyUnreadable + one.NotesAlreadyUnreadable);
        }

        if (total.Points > 0)
        {
            logger.LogInformation("Legacy points moved to their month keys: {Points} points ({Resealed} notes re-sealed, {Dropped} dropped, {Unreadable} already unreadable)",
                total.Points, total.NotesResealed, total.NotesDropped, total.NotesAlreadyUnreadable);
        }

        return total;
    }

    private const string Events = "classcomms.mt_events";
    private const string EventType = "point_awarded";

    private async Task<LegacyPointsResealed> ResealStudentAsync(string tenant, Guid studentId, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        // The lock an award or a removal takes on the student's stream: nothing writes this student's points meanwhile.
        await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        var legacy = new List<(long Seq, Guid PointId, DateTimeOffset At, string? NoteJson)>();
        await using (var command = new NpgsqlCommand($"""
                         select seq_id, (data ->> 'PointId')::uuid, (data ->> 'At')::timestamptz, data -> 'Note' from {Events}
                          where tenant_id = $1 and stream_id = $2 and type = '{EventType}' and data ->> 'RetentionKey' is null
                         """, session.Connection))
        {
            command.Parameters.AddWithValue(tenant);
            command.Parameters.AddWithValue(studentId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                legacy.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        if (legacy.Count == 0) return new LegacyPointsResealed(0, 0, 0, 0);
        var serializer = store.Options.Serializer();
        var schoolId = Guid.Parse(tenant);
        var (resealed, dropped, unreadable) = (0, 0, 0);
        foreach (var point in legacy)
        {
            var monthKey = RetentionKeys.PointsKey(schoolId, point.At);
            var patch = new Dictionary<string, object?> { ["RetentionKey"] = monthKey };
            var note = point.NoteJson is null or "null" ? null : serializer.FromJson<Sealed>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(point.NoteJson)));
            if (note is not null)
            {
                if (await vault.IsErasedAsync(monthKey, ct))
                {
                    patch["Note"] = null; // its month is already shredded: the note goes as retention would have taken it
                    dropped++;
                }
                else if (await vault.UnsealAsync(note, point.PointId.ToString(), ct) is { } plaintext)
                {
                    try
                    {
                        patch["Note"] = await vault.SealForAllAsync(tenant, [studentId, monthKey], NoteField, point.PointId.ToString(), plaintext, ct);
                        resealed++;
                    }
                    catch (SubjectErasedException)
                    {
                        patch["Note"] = null; // the student or the month key was erased meanwhile
                        dropped++;
                    }
                }
                else
                {
                    unreadable++; // the student is erased: nothing opens it; it only gets its month key
                }
            }

            var json = serializer.ToCleanJson(patch);
            session.QueueSqlCommand($"update {Events} set data = data || ?::jsonb where seq_id = ? and data ->> 'RetentionKey' is null", json, point.Seq);
            session.QueueSqlCommand($"update {ReadPositions.DocumentTable<PointEntry>()} set data = data || ?::jsonb where tenant_id = ? and id = ?",
                json, tenant, point.PointId);
            session.QueueSqlCommand($"update {ReadPositions.DocumentTable<FeedEntry>()} set data = data || ?::jsonb where tenant_id = ? and id = ?",
                json, tenant, FeedEntry.AwardedId(point.PointId));
        }

        await session.SaveChangesAsync(ct);
        return new LegacyPointsResealed(legacy.Count, resealed, dropped, unreadable);
    }
}

/// <summary>Actions of <see cref="RetentionCommand"/>; lower case because they are typed on the command line as they are.</summary>
public enum RetentionAction
{
    reseal,
}

public sealed class RetentionInput : NetCoreInput
{
    [Description("reseal: move every point awarded before month keys to its month's key, so that retention shreds it")]
    public RetentionAction Action { get; set; } = RetentionAction.reseal;
}

/// <summary><c>retention reseal</c>: the legacy-points step of <see cref="LegacyPointNotes"/>, without serving; exit 0 on success.</summary>
[Description("Retention maintenance: 'retention reseal' moves points awarded before month keys to their month's key (start-up does it once too)")]
public sealed class RetentionCommand : JasperFxAsyncCommand<RetentionInput>
{
    public RetentionCommand()
    {
        Usage("Move legacy points to their month keys").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(RetentionInput input)
    {
        using var host = input.BuildHost();
        var done = await host.Services.GetRequiredService<LegacyPointNotes>().ResealAllAsync(CancellationToken.None);
        Console.WriteLine($"retention reseal: {done.Points} legacy points moved to their month keys ({done.NotesResealed} notes re-sealed, " +
                          $"{done.NotesDropped} dropped as already shredded, {done.NotesAlreadyUnreadable} already unreadable).");
        return true;
    }
}
