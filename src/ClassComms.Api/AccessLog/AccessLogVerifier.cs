using ClassComms.Dpo;
using ClassComms.Platform;
using Npgsql;

namespace ClassComms.AccessLog;

/// <summary>
/// What checking a saved signed head against the current log found. <c>Outcome</c>: <c>contained</c> (the chain is intact and entry
/// <c>seq</c> still has the signed hash), <c>rewritten</c> (it has another hash: the log up to that entry was rewritten, even if the new
/// chain is consistent), <c>missing</c> (the log has no such entry: it was cut short), <c>removedByRetention</c> (the entry is before the
/// retention anchor: it can no longer be compared), <c>brokenChain</c> (the current chain does not verify), <c>badSignature</c> (the saved
/// head is not signed by the school's key: it proves nothing).
/// </summary>
public sealed record AccessLogHeadCheck(string Outcome, bool SignatureValid, string? Problem, AccessLogVerification? Verification)
{
    public bool Contained => Outcome == Contained_;

    internal const string Contained_ = "contained";
}

/// <summary>
/// Verifies a school's access log from its retention anchor (whose signature must be the school's), signs the head it reaches, and
/// checks a saved signed head against the current chain. Used by the DPO's endpoints and the <c>verify-access-log</c> command.
/// </summary>
public sealed class AccessLogVerifier(ClassCommsDatabase database, SchoolSigning signing, TimeProvider clock)
{
    /// <summary>The school's latest retention anchor, if retention has removed entries.</summary>
    public async Task<AccessLogAnchor?> AnchorAsync(Guid school, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            $"select seq, hash, signed_at, key_id, signature, removed, last_removed_at from {AccessLogChain.AnchorTable} where school_id = $1 order by seq desc limit 1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = school });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var head = new AccessLogHead(school, reader.GetInt64(0), Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(1)), reader.GetFieldValue<DateTimeOffset>(2));
        return new AccessLogAnchor(new SignedAccessLogHead(head, new DetachedSignature(reader.GetString(3), SchoolSigning.Algorithm, reader.GetString(4))),
            reader.GetInt64(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    /// <summary>
    /// Walks the chain from the anchor (or the first entry) and, when it is intact, signs its head (the last entry, or the anchor when
    /// retention removed every entry) with the school's key. An anchor whose signature is not the school's breaks the chain at its next entry.
    /// </summary>
    public async Task<AccessLogVerification> VerifyAsync(Guid school, CancellationToken ct, bool sign = true)
    {
        var anchor = await AnchorAsync(school, ct);
        if (anchor is not null && !anchor.Head.Verify((await signing.KeyOfAsync(school, ct)).PublicKey))
        {
            return new AccessLogVerification(school, 0, false, anchor.Head.Head.Seq + 1,
                "the retention anchor is not signed by the school's key", null, null, anchor);
        }

        var afterSeq = anchor?.Head.Head.Seq ?? 0;
        var result = await AccessLogChain.VerifyAsync(database.DataSource, school, ct, afterSeq,
            anchor is null ? null : Convert.FromHexString(anchor.Head.Head.Hash)) with { Anchor = anchor };
        if (!result.Intact || !sign) return result;
        var hash = result.HeadHash ?? anchor?.Head.Head.Hash;
        if (hash is null) return result; // an empty log: nothing to sign
        var head = new AccessLogHead(school, afterSeq + result.Entries, hash, AccessLogChain.Truncate(clock.GetUtcNow()));
        return result with { SignedHead = new SignedAccessLogHead(head, await signing.SignAsync(school, head.Message(), ct)) };
    }

    /// <summary>
    /// Checks <paramref name="saved"/> (a signed head kept from an earlier verification) against the school's current log: its signature by
    /// <paramref name="publicKey"/> (default: the school's key), the whole chain, and entry <c>seq</c>'s stored hash.
    /// </summary>
    public async Task<AccessLogHeadCheck> CheckHeadAsync(Guid school, SignedAccessLogHead saved, CancellationToken ct, byte[]? publicKey = null)
    {
        publicKey ??= (await signing.KeyOfAsync(school, ct)).PublicKey;
        if (saved.Head.SchoolId != school || !saved.Verify(publicKey))
        {
            return new AccessLogHeadCheck("badSignature", false, "the saved head is not signed by this school's key", null);
        }

        var verification = await VerifyAsync(school, ct, sign: false);
        if (!verification.Intact) return new AccessLogHeadCheck("brokenChain", true, verification.Problem, verification);
        var n = saved.Head.Seq;
        var anchorSeq = verification.Anchor?.Head.Head.Seq ?? 0;
        string? stored;
        if (verification.Anchor is { } anchor && n == anchorSeq) stored = anchor.Head.Head.Hash;
        else if (n < anchorSeq)
        {
            return new AccessLogHeadCheck("removedByRetention", true,
                $"entry {n} was removed by retention (the log now starts after entry {anchorSeq}); it can no longer be compared", verification);
        }
        else
        {
            await using var cmd = database.DataSource.CreateCommand($"select hash from {AccessLogChain.Table} where school_id = $1 and seq = $2");
            cmd.Parameters.Add(new NpgsqlParameter { Value = school });
            cmd.Parameters.Add(new NpgsqlParameter { Value = n });
            stored = await cmd.ExecuteScalarAsync(ct) is byte[] bytes ? Convert.ToHexStringLower(bytes) : null;
        }

        if (stored is null) return new AccessLogHeadCheck("missing", true, $"the log has no entry {n}: it was cut short after the head was signed", verification);
        return string.Equals(stored, saved.Head.Hash, StringComparison.OrdinalIgnoreCase)
            ? new AccessLogHeadCheck(AccessLogHeadCheck.Contained_, true, null, verification)
            : new AccessLogHeadCheck("rewritten", true, $"entry {n} no longer has the signed hash: the log up to entry {n} was rewritten", verification);
    }
}
