using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine;

namespace ClassComms.Consents;

/// <summary>
/// The daily age-of-consent sweep: in every school with a jurisdiction, opens the sealed birth dates of the students who have not
/// reached the age of consent and runs <see cref="ReachAgeOfConsent"/> for those whose birthday has passed. It stores nothing per
/// student (no run time at a birthday, which would reveal the date of birth in Wolverine's tables): only ids travel, and the step
/// is idempotent, so a sweep run twice, or a day missed and caught up, records the age once. One node sweeps at a time (a
/// session-level advisory lock; a node that finds it held skips that sweep).
/// </summary>
public sealed class AgeOfConsentSweep(IDocumentStore store, IServiceProvider services, AgeOfConsent ages, ClassCommsDatabase database,
    TimeProvider clock, ILogger<AgeOfConsentSweep> logger)
{
    public const string LockKey = "classcomms.age-of-consent-sweep";

    /// <summary>Sweeps every school; the number of students the step was run for, or null when another node holds the sweep.</summary>
    public async Task<int?> RunAsync(CancellationToken ct)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended(@key, 0))", connection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            if (await take.ExecuteScalarAsync(ct) is not true) return null;
        }

        try
        {
            await ForgetScheduledStepsAsync(connection, ct);
            List<School> schools;
            await using (var session = store.QuerySession())
            {
                schools = (await session.Query<School>().Where(s => s.ConsentJurisdiction != null).ToListAsync(ct)).ToList();
            }

            var run = 0;
            foreach (var school in schools) run += await SweepAsync(school, ct);
            return run;
        }
        finally
        {
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended(@key, 0))", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private async Task<int> SweepAsync(School school, CancellationToken ct)
    {
        List<Student> waiting;
        await using (var session = store.QuerySession(Ids.Tenant(school.Id)))
        {
            waiting = (await session.Query<Student>().Where(s => s.BirthDate != null && s.AgeOfConsentReachedAt == null && s.ErasedAt == null)
                .ToListAsync(ct)).ToList();
        }

        var now = clock.GetUtcNow();
        var run = 0;
        foreach (var student in waiting)
        {
            try
            {
                if (await ages.DueAsync(student, school, ct) is not { } due || due > now) continue;
                using var scope = services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                    .InvokeForTenantAsync(Ids.Tenant(school.Id), new ReachAgeOfConsent(school.Id, student.Id), ct);
                run++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Ids only. The next sweep tries again; the guardians are refused from the birthday meanwhile (AgeOfConsent.StudentDecidesAsync).
                logger.LogWarning(e, "The age-of-consent step failed for student {StudentId} of school {SchoolId}; the next sweep retries", student.Id, school.Id);
            }
        }

        return run;
    }

    /// <summary>
    /// Deletes steps an earlier version scheduled at a birthday (their run time derives from the date of birth); the sweep does
    /// their work.
    /// </summary>
    private static async Task ForgetScheduledStepsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var find = new NpgsqlCommand(
            "select distinct table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        var schemas = new List<string>();
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) schemas.Add(reader.GetString(0));
        }

        foreach (var schema in schemas)
        {
            await using var forget = new NpgsqlCommand(
                $"delete from \"{schema}\".wolverine_incoming_envelopes where message_type like '%ReachAgeOfConsent' and execution_time is not null", connection);
            await forget.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>Runs <see cref="AgeOfConsentSweep"/> at start (catching up a missed day) and then every <see cref="ConsentOptions.AgeOfConsentSweepInterval"/>.</summary>
public sealed class AgeOfConsentSweeper(AgeOfConsentSweep sweep, IOptions<ConsentOptions> options, TimeProvider clock,
    ILogger<AgeOfConsentSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AgeOfConsentSweepInterval, clock);
        do
        {
            try
            {
                if (await sweep.RunAsync(stoppingToken) is > 0 and var run) logger.LogInformation("Age-of-consent sweep ran the step for {Count} students", run);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The age-of-consent sweep failed; the next sweep retries");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
