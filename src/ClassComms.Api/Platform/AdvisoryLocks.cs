using Marten;

namespace ClassComms.Platform;

/// <summary>
/// Transaction-scoped PostgreSQL advisory locks, held until the transaction ends: the one way every slice serialises work on
/// the same thing (a token's use, an attachment's claim and expiry, a student's consents, a story post, a student's login).
/// Keys are <c>classcomms.&lt;kind&gt;/&lt;id&gt;</c>; several are taken in one statement, in key order, so two callers
/// locking overlapping sets cannot deadlock.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>
    /// Waits for <paramref name="keys"/>. Given a document session, opens its transaction first so the locks last until its
    /// commit; an inline projection's operations already run inside the saving transaction.
    /// </summary>
    public static async Task TakeAsync(IDocumentOperations session, IEnumerable<string> keys, CancellationToken ct)
    {
        var distinct = keys.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0) return;
        if (session is IDocumentSession documents) await documents.BeginTransactionAsync(ct);
        await session.QueryAsync<long>(
            "select count(l) from (select pg_advisory_xact_lock(hashtextextended(k, 0)) as l from (select unnest(?::text[]) as k order by 1) o) s",
            ct, new object[] { distinct });
    }

    /// <summary>The keys of <paramref name="ids"/> for one kind of lock.</summary>
    public static IEnumerable<string> Keys(string kind, IEnumerable<Guid> ids) => ids.Select(id => $"classcomms.{kind}/{id}");
}
