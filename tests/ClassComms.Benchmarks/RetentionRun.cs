extern alias api;
using System.Diagnostics;
using System.Net.Http.Json;
using Alba;
using ClassComms.PersonalData;
using api::ClassComms.Platform;
using api::ClassComms.Points;
using api::ClassComms.Retention;
using api::ClassComms.Schools;
using api::ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Benchmarks;

/// <summary>
/// Retention benchmark (<c>infra/bench.sh retention</c>): the API in process (Testing settings, so it creates its schema; real
/// PostgreSQL and Azurite) with a clock the benchmark moves. A school (created through <c>POST /api/schools</c>) with 500 students
/// (<c>StudentEnrolled</c>, names sealed) is given a year of points: one point per student per week for 52 weeks, each with a note,
/// written as the award endpoint writes them (note sealed under the student's key and the month's points key, <c>PointAwarded</c>
/// appended to the student's stream, inline projections). Then the clock moves 25 months on and one retention run of the school
/// is timed (every month key due: ledger entries in Azurite, keys destroyed, report recorded; inactive-student erasure is set to
/// 120 months so the run measures points only), beside the baseline in the same run: a plain SQL DELETE, in one transaction, of
/// the same points (their point documents, feed entries and <c>points_awarded</c> events).
/// </summary>
public static class RetentionRun
{
    private const int Students = 500;
    private const int Weeks = 52;

    public static async Task<int> RunAsync(string pg, string blobs, string output, string apiContentRoot)
    {
        var clock = new MovableClock();
        Console.WriteLine("bench retention: starting the API in process");
        await using var host = await InProcessApi.StartAsync(pg, blobs, apiContentRoot, builder =>
        {
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
        });

        var client = host.Server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/schools")
        {
            Content = JsonContent.Create(new CreateSchool("Bench School", new NewPerson("Bench Leader", $"leader-{Guid.NewGuid():N}@bench.test", "bench-Password-123!"))),
        };
        request.Headers.Add(CreateSchoolEndpoint.OperatorKeyHeader, "bench-operator-key");
        var created = await (await client.SendAsync(request)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SchoolCreated>()
                      ?? throw new InvalidOperationException("No school created.");
        var schoolId = created.SchoolId;
        var tenant = Ids.Tenant(schoolId);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var vault = host.Services.GetRequiredService<PersonalDataVault>();
        var runner = host.Services.GetRequiredService<RetentionRunner>();

        var seed = Stopwatch.StartNew();
        var classId = Guid.CreateVersion7();
        var skillId = Guid.CreateVersion7();
        var skillName = await vault.SealAsync(schoolId, SchoolText.SkillName, skillId, "Kindness", CancellationToken.None);
        var students = Enumerable.Range(0, Students).Select(_ => Guid.CreateVersion7()).ToList();
        await using (var session = store.LightweightSession(tenant))
        {
            foreach (var studentId in students)
            {
                var name = await vault.SealAsync(tenant, studentId, "student.name", $"Student {studentId:N}");
                session.Events.StartStream<Student>(studentId, new StudentEnrolled(studentId, created.LeaderId, classId, name, clock.GetUtcNow()));
            }

            await session.SaveChangesAsync();
        }

        for (var week = 0; week < Weeks; week++)
        {
            if (week > 0) clock.Advance(TimeSpan.FromDays(7));
            var now = clock.GetUtcNow();
            var key = RetentionKeys.PointsKey(schoolId, now);
            var awardId = Guid.CreateVersion7();
            await using var session = store.LightweightSession(tenant);
            foreach (var studentId in students)
            {
                var pointId = Guid.CreateVersion7();
                var note = await vault.SealForAllAsync(tenant, [studentId, key], "point.note", pointId.ToString(), $"Week {week}: helped a classmate");
                session.Events.Append(studentId, new PointAwarded(studentId, created.LeaderId, pointId, awardId, classId, skillId, skillName, true, 1,
                    note, now, key));
            }

            await session.SaveChangesAsync();
            if (week % 13 == 12) Console.WriteLine($"bench retention: seeded {(week + 1) * Students} points");
        }

        await using (var session = store.LightweightSession(tenant))
        {
            session.Events.Append(RetentionKeys.LogId(schoolId),
                new RetentionPolicyChanged(schoolId, created.LeaderId, RetentionPolicy.Default with { InactiveStudentMonths = 120 }, clock.GetUtcNow()));
            await session.SaveChangesAsync();
        }

        seed.Stop();
        var points = Students * Weeks;
        Console.WriteLine($"bench retention: seeded {Students} students and {points} points in {seed.Elapsed.TotalSeconds:F1} s");

        clock.Advance(TimeSpan.FromDays(25 * 31));
        var previewTime = Stopwatch.StartNew();
        var preview = await runner.PreviewAsync(schoolId, CancellationToken.None);
        previewTime.Stop();
        var runTime = Stopwatch.StartNew();
        var run = await runner.RunAsync(schoolId, RetentionKeys.Schedule, "bench", CancellationToken.None)
                  ?? throw new InvalidOperationException("The school's retention lock was taken.");
        runTime.Stop();
        if (run.Plan.PointsShredded != points) throw new InvalidOperationException($"The run shredded {run.Plan.PointsShredded} points, not {points}.");
        var again = Stopwatch.StartNew();
        var second = await runner.RunAsync(schoolId, RetentionKeys.Schedule, "bench", CancellationToken.None);
        again.Stop();
        if (second is null || !second.Plan.IsEmpty) throw new InvalidOperationException("The second run was not empty.");

        // Baseline: the same points deleted outright (what a rewrite-based retention would at least do).
        long deleted;
        var baseline = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(pg))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("""
                with p as (delete from classcomms.mt_doc_pointentry where tenant_id = $1 and (data ->> 'AwardedAt')::timestamptz < $2 returning id),
                     f as (delete from classcomms.mt_doc_feedentry where tenant_id = $1 and (data ->> 'PointId')::uuid in (select id from p) returning 1),
                     e as (delete from classcomms.mt_events where tenant_id = $1 and type = 'point_awarded' and (data ->> 'PointId')::uuid in (select id from p) returning 1)
                select count(*) from p
                """, connection, tx);
            command.Parameters.AddWithValue(tenant);
            command.Parameters.AddWithValue(run.Plan.PointsCutoff);
            deleted = (long)(await command.ExecuteScalarAsync())!;
            await tx.CommitAsync();
        }

        baseline.Stop();
        if (deleted != points) throw new InvalidOperationException($"The baseline deleted {deleted} points, not {points}.");

        var ratio = runTime.Elapsed.TotalMilliseconds / baseline.Elapsed.TotalMilliseconds;
        var lines = new List<string>
        {
            "# Retention run benchmark",
            "",
            $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} logical cores; load average at the end {CpuMeter.LoadAverage()}; command: `infra/bench.sh retention`",
            $"School: {Students} students, {points} points over {Weeks} weeks (one a week each, all with a note); seeded in {seed.Elapsed.TotalSeconds:F1} s",
            "",
            "| step | time (ms) |",
            "|---|---|",
            $"| preview ({preview.PointKeys.Count} month keys, {preview.PointsShredded} points) | {previewTime.Elapsed.TotalMilliseconds:F0} |",
            $"| retention run: {run.Plan.PointKeys.Count} month keys destroyed (ledger entry, key row fenced, VACUUM FULL of the key table each), {run.Plan.PointsShredded} points shredded, report recorded | {runTime.Elapsed.TotalMilliseconds:F0} |",
            $"| second run (nothing to do) | {again.Elapsed.TotalMilliseconds:F0} |",
            $"| baseline: plain SQL DELETE of the same {deleted} points (documents, feed entries, events), one transaction | {baseline.Elapsed.TotalMilliseconds:F0} |",
            "",
            $"Ratio retention run / baseline DELETE: {ratio:F2}",
        };
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllLinesAsync(output, lines);
        foreach (var line in lines) Console.WriteLine(line);
        return 0;
    }

    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
