using JasperFx;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Platform;

/// <summary>
/// The retry policy of durable, idempotent background work against Blob Storage and the database (an erasure, a school's
/// erasure, a subject access export) — not the 50/250 ms policy of pushes. A concurrency conflict (someone wrote to the same
/// stream at that moment) is retried at once and then within seconds; anything else after seconds, then minutes and hours,
/// then the message is dead-lettered (ids only) for an operator to look at.
/// </summary>
public static class DurableWorkRetries
{
    public static void Apply(HandlerChain chain)
    {
        chain.OnException<ConcurrencyException>().RetryWithCooldown(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30))
            .Then.MoveToErrorQueue();
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15))
            .Then.ScheduleRetry(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1))
            .Then.MoveToErrorQueue();
    }
}
