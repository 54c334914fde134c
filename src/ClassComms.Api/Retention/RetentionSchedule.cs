using ClassComms.Schools;
using Marten;
using Microsoft.Extensions.Options;

namespace ClassComms.Retention;

public sealed class RetentionOptions
{
    /// <summary>How often a node checks which schools are due (each school runs once per UTC day); zero turns the schedule off.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The schedule: every <see cref="RetentionOptions.CheckInterval"/> (and once at start, so a node that was down catches up),
/// every school whose last run is not from today (UTC, by the injected <see cref="TimeProvider"/>) runs its retention. The
/// state is the school's log in the database, so the schedule survives restarts; the school's lock keeps two nodes from
/// running it at once, and the second finds the run of today recorded.
/// </summary>
public sealed class RetentionSchedule(IDocumentStore store, RetentionRunner runner, TimeProvider clock, IOptions<RetentionOptions> options,
    ILogger<RetentionSchedule> logger) : BackgroundService
{
    /// <summary>Runs every due school (or only <paramref name="schools"/>); returns the runs recorded.</summary>
    public async Task<IReadOnlyList<RetentionRunRecorded>> RunDueAsync(IReadOnlyCollection<Guid>? schools, CancellationToken ct)
    {
        List<Guid> ids;
        await using (var session = store.QuerySession())
        {
            ids = (await session.Query<School>().Select(s => s.Id).ToListAsync(ct)).ToList();
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var runs = new List<RetentionRunRecorded>();
        foreach (var schoolId in ids.Where(id => schools is null || schools.Contains(id)))
        {
            ct.ThrowIfCancellationRequested();
            if (await runner.LastRunDayAsync(schoolId, ct) >= today) continue;
            try
            {
                if (await runner.RunAsync(schoolId, RetentionKeys.Schedule, RetentionRunner.BySchedule, ct, unlessRanOn: today) is { } run) runs.Add(run);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The retention run of school {SchoolId} failed; the next check retries it", schoolId);
            }
        }

        return runs;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CheckInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await RunDueAsync(null, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Checking which schools' retention is due failed; the next check retries");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
