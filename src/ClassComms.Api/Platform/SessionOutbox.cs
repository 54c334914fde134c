using Marten;
using Wolverine.Marten;

namespace ClassComms.Platform;

/// <summary>
/// Commits a session that was not opened by Wolverine (a handler or endpoint that opens its own, e.g. to answer a unique
/// violation) together with messages, through Wolverine's Marten outbox enrolled in it: the messages are stored in the same
/// transaction and leave after the commit, never without it, and are not lost if the process stops between the two.
/// </summary>
public sealed class SessionOutbox(IServiceProvider services)
{
    public async Task CommitAsync(IDocumentSession session, IEnumerable<object> messages, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        outbox.Enroll(session);
        foreach (var message in messages) await outbox.SendAsync(message);
        await session.SaveChangesAsync(ct);
    }
}
