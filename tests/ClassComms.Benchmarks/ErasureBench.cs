extern alias api;
using System.Diagnostics;
using System.Net.Http.Json;
using Alba;
using ClassComms.PersonalData;
using api::ClassComms.Platform;
using api::ClassComms.Points;
using api::ClassComms.Privacy;
using api::ClassComms.Schools;
using api::ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Benchmarks;

/// <summary>
/// Erasure benchmark (<c>infra/bench.sh erasure</c>): the API in process (Testing settings; real PostgreSQL and Azurite). Two students
/// of one school get the same data, written as the API writes it: enrolment (name sealed) and <c>CLASSCOMMS_BENCH_ERASURE_EVENTS</c>
/// points (default 10,000), each with a note sealed under the student's and the month's keys. Student A is erased by the erasure
/// workflow's own steps (<c>ErasureSteps</c>: ledger entry in Blob Storage, key destroyed, blobs and exports checked, read side
/// forgotten, completion recorded), timed from the request to completion. Student B's stream is rewritten by Marten's event data
/// masking (<c>store.Advanced.ApplyEventDataMasking(x =&gt; x.ForTenant(school).IncludeStream(B))</c>, with masking rules registered for the benchmark
/// that null the note and blank the name), which is what an erasure by rewrite would at least do. Interleaved: A then B, three rounds
/// on fresh pairs; the ratio is erasure / masking per round.
/// </summary>
public static class ErasureBench
{
    public static async Task<int> RunAsync(string pg, string blobs, string output, string apiContentRoot, int events, int rounds)
    {
        Console.WriteLine("bench erasure: starting the API in process");
        await using var host = await InProcessApi.StartAsync(pg, blobs, apiContentRoot, builder =>
        {
            builder.ConfigureServices(services => services.ConfigureMarten(opts =>
            {
                // Marten's masking rules for the baseline: what a rewrite-based erasure would take out of these events.
                opts.Events.AddMaskingRuleForProtectedInformation<PointAwarded>(e => e with { Note = null });
                opts.Events.AddMaskingRuleForProtectedInformation<StudentEnrolled>(e => e with { Name = e.Name with { Data = "" } });
            }));
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
        var steps = host.Services.GetRequiredService<ErasureSteps>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var classId = Guid.CreateVersion7();
        var skillId = Guid.CreateVersion7();
        var skillName = await vault.SealAsync(schoolId, SchoolText.SkillName, skillId, "Kindness", CancellationToken.None);

        async Task<Guid> SeedAsync()
        {
            var studentId = Guid.CreateVersion7();
            await using (var session = store.LightweightSession(tenant))
            {
                var name = await vault.SealAsync(tenant, studentId, "student.name", $"Student {studentId:N}");
                session.Events.StartStream<Student>(studentId, new StudentEnrolled(studentId, created.LeaderId, classId, name, clock.GetUtcNow()));
                await session.SaveChangesAsync();
            }

            for (var done = 0; done < events; done += 500)
            {
                await using var session = store.LightweightSession(tenant);
                for (var i = done; i < Math.Min(events, done + 500); i++)
                {
                    var now = clock.GetUtcNow();
                    var key = api::ClassComms.Retention.RetentionKeys.PointsKey(schoolId, now);
                    var pointId = Guid.CreateVersion7();
                    var note = await vault.SealForAllAsync(tenant, [studentId, key], "point.note", pointId.ToString(), $"Point {i}: helped a classmate");
                    session.Events.Append(studentId, new PointAwarded(studentId, created.LeaderId, pointId, Guid.CreateVersion7(), classId, skillId,
                        skillName, true, 1, note, now, key));
                }

                await session.SaveChangesAsync();
            }

            return studentId;
        }

        var lines = new List<string>
        {
            "# Erasure benchmark: key destruction beside Marten's event data masking",
            "",
            $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} logical cores; load average at the start {CpuMeter.LoadAverage()}; command: `infra/bench.sh erasure` (CLASSCOMMS_BENCH_ERASURE_EVENTS={events})",
            $"Each student: enrolment + {events} points with a note (sealed as the API seals them); A erased by the erasure workflow's steps, B masked by `ApplyEventDataMasking` (IncludeStream), same data volume.",
            "",
            "| round | erasure of A (ms) | masking of B (ms) | erasure / masking |",
            "|---|---:|---:|---:|",
        };
        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var seed = Stopwatch.StartNew();
            var (a, b) = (await SeedAsync(), await SeedAsync());
            Console.WriteLine($"bench erasure: round {round}: seeded two students of {events} points each in {seed.Elapsed.TotalSeconds:F1} s");

            var erase = Stopwatch.StartNew();
            var record = new ErasureRecord(a, SubjectKinds.Student, schoolId, created.LeaderId, clock.GetUtcNow());
            await steps.EnsureRequestedAsync(record, CancellationToken.None);
            await steps.RunAsync(schoolId, a, CancellationToken.None);
            erase.Stop();
            await using (var query = store.QuerySession(tenant))
            {
                if ((await query.LoadAsync<Erasure>(Erasure.IdFor(a)))?.CompletedAt is null) throw new InvalidOperationException("The erasure did not complete.");
            }

            var mask = Stopwatch.StartNew();
            await store.Advanced.ApplyEventDataMasking(x => x.ForTenant(tenant).IncludeStream(b));
            mask.Stop();
            await using (var query = store.QuerySession(tenant))
            {
                var stream = await query.Events.FetchStreamAsync(b);
                if (stream.Count != events + 1 || stream.Select(e => e.Data).OfType<PointAwarded>().Any(p => p.Note is not null))
                    throw new InvalidOperationException("The masking did not rewrite every point of B.");
            }

            var ratio = erase.Elapsed.TotalMilliseconds / mask.Elapsed.TotalMilliseconds;
            ratios.Add(ratio);
            lines.Add($"| {round} | {erase.Elapsed.TotalMilliseconds:F0} | {mask.Elapsed.TotalMilliseconds:F0} | {ratio:F3} |");
        }

        ratios.Sort();
        lines.Add("");
        lines.Add($"Median erasure / masking: {ratios[ratios.Count / 2]:F3}; load average at the end {CpuMeter.LoadAverage()}");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllLinesAsync(output, lines);
        foreach (var line in lines) Console.WriteLine(line);
        return 0;
    }
}
