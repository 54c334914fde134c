using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Privacy;
using ClassComms.StudentAccounts;
using ClassComms.Students;
using Marten;
using Npgsql;
using Wolverine.Marten;

namespace ClassComms.Retention;

/// <summary>
/// Plans and runs a school's retention (<see cref="RetentionPlan"/>). A run takes the school's retention lock (a session-level
/// advisory lock on its own idle connection, so no open transaction holds back the key table's <c>VACUUM FULL</c>); a second
/// node, or a second run at the same moment, finds it taken and does nothing. Every step is idempotent (a destroyed key is
/// found destroyed, a student already under erasure is skipped), so a run interrupted by a crash is finished by the next one,
/// and a run right after another does nothing more. Each run appends <see cref="RetentionRunRecorded"/> to the school's log.
/// </summary>
public sealed class RetentionRunner(
    IDocumentStore store,
    ClassCommsDatabase database,
    ErasureLedger ledger,
    ErasureSteps steps,
    PersonalData.SubjectKeyStore keyStore,
    IServiceProvider services,
    IEnumerable<IRetentionStep> extensions,
    TimeProvider clock,
    ILogger<RetentionRunner> logger)
{
    public const string ByDpo = "dpo";
    public const string BySchedule = "schedule";

    public async Task<RetentionPolicy> PolicyAsync(Guid schoolId, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(schoolId));
        return (await session.LoadAsync<RetentionLog>(RetentionKeys.LogId(schoolId), ct))?.PolicyInForce ?? RetentionPolicy.Default;
    }

    /// <summary>The UTC day of the school's last recorded run, if any.</summary>
    public async Task<DateOnly?> LastRunDayAsync(Guid schoolId, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(schoolId));
        var log = await session.LoadAsync<RetentionLog>(RetentionKeys.LogId(schoolId), ct);
        return log?.LastRunAt is { } last ? DateOnly.FromDateTime(last.UtcDateTime) : null;
    }

    /// <summary>What a run would do now, without doing it.</summary>
    public async Task<RetentionPlan> PreviewAsync(Guid schoolId, CancellationToken ct) =>
        await PlanAsync(schoolId, await PolicyAsync(schoolId, ct), clock.GetUtcNow(), ct);

    /// <summary>
    /// Runs the school's retention now; null when another run holds the school's lock, or (with <paramref name="unlessRanOn"/>,
    /// the schedule's day) when a run of that UTC day is already recorded, checked under the lock.
    /// </summary>
    public async Task<RetentionRunRecorded?> RunAsync(Guid schoolId, Guid actor, string trigger, CancellationToken ct, DateOnly? unlessRanOn = null)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        var lockKey = AdvisoryLocks.Keys("retention", [schoolId]).Single();
        await using (var take = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended($1, 0))", connection))
        {
            take.Parameters.AddWithValue(lockKey);
            if (await take.ExecuteScalarAsync(ct) is not true) return null;
        }

        try
        {
            if (unlessRanOn is { } day && await LastRunDayAsync(schoolId, ct) >= day) return null;
            var plan = await PlanAsync(schoolId, await PolicyAsync(schoolId, ct), clock.GetUtcNow(), ct);
            await ApplyAsync(plan, actor, ct);
            var recorded = new RetentionRunRecorded(Guid.CreateVersion7(), actor, trigger, plan);
            await using var session = store.LightweightSession(Ids.Tenant(schoolId));
            session.Events.Append(RetentionKeys.LogId(schoolId), recorded);
            await session.SaveChangesAsync(ct);
            logger.LogInformation(
                "Retention run {RunId} of school {SchoolId}: {Keys} point keys destroyed ({Points} points), {Students} students erased",
                recorded.RunId, schoolId, plan.PointKeys.Count, plan.PointsShredded, plan.StudentsErased.Count);
            return recorded;
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended($1, 0))", connection);
            release.Parameters.AddWithValue(lockKey);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    public async Task<RetentionPlan> PlanAsync(Guid schoolId, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var tenant = Ids.Tenant(schoolId);
        var cutoff = RetentionKeys.PointsCutoff(now, policy.PointsMonths);
        var inactiveSince = now.AddMonths(-policy.InactiveStudentMonths);
        var points = ReadPositions.DocumentTable<PointEntry>();

        var dueKeys = new Dictionary<Guid, int>();
        var legacy = 0;
        var students = new List<Guid>();
        await using (var batch = database.DataSource.CreateBatch())
        {
            var keys = new NpgsqlBatchCommand($"""
                select (data ->> 'RetentionKey')::uuid, count(*)::int from {points}
                 where tenant_id = $1 and data ->> 'RetentionKey' is not null and (data ->> 'AwardedAt')::timestamptz < $2
                 group by 1
                """);
            keys.Parameters.AddWithValue(tenant);
            keys.Parameters.AddWithValue(cutoff);
            var old = new NpgsqlBatchCommand($"""
                select count(*)::int from {points}
                 where tenant_id = $1 and data ->> 'RetentionKey' is null and (data ->> 'AwardedAt')::timestamptz < $2
                """);
            old.Parameters.AddWithValue(tenant);
            old.Parameters.AddWithValue(cutoff);
            // Inactive: enrolled before the period and, within it, no point awarded (a point is the class's activity about
            // the student), no student login code issued and no sign-in with one; not erased nor under erasure.
            var inactive = new NpgsqlBatchCommand($"""
                select s.id from {ReadPositions.DocumentTable<Student>()} s
                 where s.tenant_id = $1 and s.data ->> 'ErasedAt' is null and (s.data ->> 'EnrolledAt')::timestamptz < $2
                   and not exists (select 1 from {points} p where p.tenant_id = $1 and (p.data ->> 'StudentId')::uuid = s.id
                                      and (p.data ->> 'AwardedAt')::timestamptz >= $2)
                   and not exists (select 1 from {ReadPositions.DocumentTable<StudentLoginCode>()} c where (c.data ->> 'StudentId')::uuid = s.id
                                      and ((c.data ->> 'IssuedAt')::timestamptz >= $2 or (c.data ->> 'LastSignInAt')::timestamptz >= $2))
                   and not exists (select 1 from {ReadPositions.DocumentTable<Erasure>()} e where e.tenant_id = $1
                                      and (e.data ->> 'SubjectId')::uuid = s.id)
                 order by s.id
                """);
            inactive.Parameters.AddWithValue(tenant);
            inactive.Parameters.AddWithValue(inactiveSince);
            batch.BatchCommands.Add(keys);
            batch.BatchCommands.Add(old);
            batch.BatchCommands.Add(inactive);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) dueKeys[reader.GetGuid(0)] = reader.GetInt32(1);
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct)) legacy = reader.GetInt32(0);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) students.Add(reader.GetGuid(0));
        }

        // Keys already destroyed (a fence and no wrapped key) are done: only the others are due.
        var destroyed = await DestroyedAsync(dueKeys.Keys, ct);
        var pointKeys = dueKeys.Keys.Where(k => !destroyed.Contains(k)).Order().ToList();

        var other = new Dictionary<string, IReadOnlyList<Guid>>();
        foreach (var step in extensions) other[step.Kind] = await step.DueAsync(schoolId, policy, now, ct);

        return new RetentionPlan(schoolId, now, policy, cutoff, pointKeys, pointKeys.Sum(k => dueKeys[k]), legacy, inactiveSince, students, other);
    }

    private async Task<HashSet<Guid>> DestroyedAsync(IEnumerable<Guid> candidates, CancellationToken ct)
    {
        var ids = candidates.ToArray();
        if (ids.Length == 0) return [];
        var rows = await keyStore.FindAsync(ids, ct);
        return rows.GroupBy(r => r.Subject)
            .Where(g => g.Any(r => r.ErasedAt is not null) && g.All(r => r.WrappedKey is null))
            .Select(g => g.Key).ToHashSet();
    }

    private async Task ApplyAsync(RetentionPlan plan, Guid actor, CancellationToken ct)
    {
        // 1. Points: each month key goes into the erasure ledger first (a restore destroys it again), then is destroyed.
        foreach (var key in plan.PointKeys)
        {
            var entry = await ledger.RecordAsync(new ErasureRecord(key, SubjectKinds.RetentionKey, plan.SchoolId, actor, plan.At), ct);
            await steps.DestroyRetentionKeyAsync(entry, ct);
        }

        // 2. Inactive students: the DPO's erasure, requested by the policy (same transaction contents, same durable workflow).
        foreach (var studentId in plan.StudentsErased) await RequestErasureAsync(plan.SchoolId, studentId, actor, plan.At, ct);

        // 3. Extensions (exports, ...).
        foreach (var step in extensions)
        {
            if (plan.Other.TryGetValue(step.Kind, out var ids) && ids.Count > 0) await step.ApplyAsync(plan.SchoolId, ids, actor, plan.At, ct);
        }
    }

    private async Task RequestErasureAsync(Guid schoolId, Guid studentId, Guid actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        outbox.Enroll(session);
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(studentId), ct);
        if (stream.Aggregate is not null) return;
        stream.AppendOne(new ErasureRequested(stream.Id, actor, studentId, SubjectKinds.Student, now));
        await ErasureSteps.RevokeOutstandingCodesAsync(session, schoolId, studentId, now, ct);
        await StudentLogins.EraseAccountsAsync(session, schoolId, studentId, now, ct);
        await outbox.SendAsync(new ContinueErasure(schoolId, studentId));
        await session.SaveChangesAsync(ct);
    }
}
