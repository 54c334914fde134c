using ClassComms.Platform;
using Marten;

namespace ClassComms.Accounts;

/// <summary>
/// One-time tokens (refresh tokens, password-reset tokens) are used at most once. Optimistic concurrency on their documents
/// alone let two simultaneous uses of one refresh token both succeed about once in twenty tries, so each use takes a
/// transaction-scoped advisory lock on the token's id before reading it: a second use waits for the first to commit and then
/// reads the token as used.
/// </summary>
public static class OneTimeTokens
{
    /// <summary>Opens the session's transaction and waits for any other use of <paramref name="tokenId"/> to finish.</summary>
    public static Task SerialiseUsesAsync(IDocumentSession session, string tokenId, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, [$"classcomms.one-time-token/{tokenId}"], ct);
}
