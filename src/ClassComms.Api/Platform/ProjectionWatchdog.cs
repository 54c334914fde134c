using JasperFx;
using JasperFx.Events.Daemon;

namespace ClassComms.Platform;

/// <summary>
/// Restarts an async projection (class statistics) that stopped on the node running the daemon. Seen in the cluster fault
/// tests: when PostgreSQL restarts, the HotCold advisory lock is released server-side, and for a moment the old holder and the
/// node that takes the lock both run the projection; the loser's agent stops on <c>ProgressionProgressOutOfOrderException</c>
/// and Marten never starts it again, so the statistics froze until the node restarted. Every <see cref="Interval"/> this
/// looks at the daemon of this node (only the lock holder's is running) and starts again any agent that stopped, or that has
/// been paused for longer than <see cref="PausedLimit"/>; it resumes from the stored progress, so nothing is applied twice.
/// </summary>
public sealed class ProjectionWatchdog(IServiceProvider services, TimeProvider clock, ILogger<ProjectionWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PausedLimit = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await CheckAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Projection watchdog: the check failed ({ExceptionType}); trying again in {Interval}", e.GetType().Name, Interval);
            }
        }
    }

    private async Task CheckAsync(CancellationToken ct)
    {
        if (services.GetService<IProjectionCoordinator>() is not { } coordinator) return;
        var daemon = coordinator.DaemonForMainDatabase();
        if (!daemon.IsRunning) return;
        foreach (var agent in daemon.CurrentAgents())
        {
            var stuck = agent.Status == AgentStatus.Stopped
                        || (agent.Status == AgentStatus.Paused && agent.PausedTime is { } since && clock.GetUtcNow() - since > PausedLimit);
            if (!stuck) continue;
            logger.LogWarning("Projection watchdog: {Shard} is {Status}; starting it again from its stored progress", agent.Name.Identity, agent.Status);
            await daemon.StartAgentAsync(agent.Name.Identity, ct);
        }
    }
}
