using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassComms.Privacy;

/// <summary>
/// Applies every ledger entry of every school in the database in use again, idempotently: after a restore of a
/// backup taken before an erasure, the person is erased again (key destroyed, login disabled, links removed,
/// <c>StudentErased</c> appended if missing, parent codes revoked, blobs deleted), and a shredded school's key, or a retention key (points of a month), is destroyed again. Runs at start-up before the
/// service reports ready, and on demand: <c>dotnet ClassComms.Api.dll erasure reapply</c> (<see cref="ErasureCommand"/>). After the ledger,
/// points awarded before month keys are moved to their month's key once (<see cref="Retention.LegacyPointNotes"/>), so a restored backup
/// from before that step is moved again, its notes of months already shredded dropped.
/// </summary>
public sealed class ErasureReapplication(IDocumentStore store, ErasureLedger ledger, ErasureSteps steps, Retention.LegacyPointNotes legacyPoints,
    TimeProvider clock, ILogger<ErasureReapplication> logger)
{
    private volatile bool _done;

    /// <summary>True once the ledger has been re-applied in this process; <c>/health/ready</c> is unhealthy until then.</summary>
    public bool Done => _done;

    public async Task<int> ReapplyAllAsync(CancellationToken ct)
    {
        await ledger.EnsureContainerAsync(ct);
        List<Guid> schools;
        await using (var session = store.QuerySession())
        {
            schools = (await session.Query<School>().Select(s => s.Id).ToListAsync(ct)).ToList();
        }

        var applied = 0;
        foreach (var school in schools)
        {
            foreach (var record in await ledger.ReadAsync(school, ct))
            {
                if (record.SubjectKind == SubjectKinds.School)
                {
                    await steps.ShredSchoolAsync(record, ct);
                    applied++;
                    continue;
                }

                if (record.SubjectKind == SubjectKinds.RegistrationKey)
                {
                    await steps.DestroyRegistrationKeyAsync(record, ct);
                    applied++;
                    continue;
                }

                if (record.SubjectKind == SubjectKinds.RetentionKey)
                {
                    await steps.DestroyRetentionKeyAsync(record, ct);
                    applied++;
                    continue;
                }

                await steps.EnsureRequestedAsync(record, ct);
                await steps.RunAsync(record.SchoolId, record.SubjectId, ct);
                applied++;
            }
        }

        await legacyPoints.ResealUnlessDoneAsync(clock, ct);
        _done = true;
        logger.LogInformation("Erasure ledger re-applied: {Entries} entries across {Schools} schools", applied, schools.Count);
        return applied;
    }
}

/// <summary>Re-applies the ledger during start-up; a failure stops the start (the service must not serve a restored erasure).</summary>
public sealed class ErasureReapplicationAtStartup(ErasureReapplication reapplication) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => reapplication.ReapplyAllAsync(ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

public sealed class ErasureReapplicationHealthCheck(ErasureReapplication reapplication) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(reapplication.Done
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The erasure ledger has not been re-applied yet."));
}
