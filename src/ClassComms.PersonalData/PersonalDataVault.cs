using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ClassComms.PersonalData;

/// <summary>
/// Seals and unseals personal values with per-subject, per-period data keys (crypto-shredding).
/// Data keys are random AES-256 keys wrapped by a master key (an epoch, see <see cref="MasterKeyRing"/>) and stored in
/// <see cref="SubjectKeyStore"/>; unwrapped keys are cached on this node (<see cref="KeyCache"/>), and an erasure evicts
/// them on every node. Erasure is permanent: the subject's anchor row becomes a fence and no new key is ever made for it.
/// </summary>
public sealed class PersonalDataVault
{
    private readonly SubjectKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly MasterKeyRing _masterKeys;
    private readonly KeyPeriods _periods;
    private readonly KeyCache _cache;

    public PersonalDataVault(SubjectKeyStore store, IOptions<PersonalDataOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        _store = store;
        _clock = clock;
        _masterKeys = new MasterKeyRing(o);
        var (month, day) = o.ParsePeriodStart();
        _periods = new KeyPeriods(month, day);
        _cache = new KeyCache(Math.Max(1, o.KeyCacheSize), o.KeyCacheTtl, clock);
    }

    /// <summary>The retention period new values are sealed in now.</summary>
    public int CurrentPeriod => _periods.Of(_clock.GetUtcNow());

    /// <summary>Seals a value about one subject, not bound to a record.</summary>
    public ValueTask<Sealed> SealAsync(string tenant, Guid subject, string field, string plaintext, CancellationToken ct = default) =>
        SealForAllAsync(tenant, [subject], field, null, plaintext, ct);

    /// <summary>Seals a value about one subject for <paramref name="record"/> (e.g. the message id): it opens only when read for that record.</summary>
    public ValueTask<Sealed> SealAsync(string tenant, Guid subject, string field, string record, string plaintext, CancellationToken ct = default) =>
        SealForAllAsync(tenant, [subject], field, record, plaintext, ct);

    /// <summary>Seals a value about several subjects in layers: it opens only while every one of them has a key.</summary>
    public ValueTask<Sealed> SealForAllAsync(string tenant, IReadOnlyList<Guid> subjects, string field, string plaintext, CancellationToken ct = default) =>
        SealForAllAsync(tenant, subjects, field, null, plaintext, ct);

    /// <summary>Layered sealing for several subjects, bound to <paramref name="record"/> when it is not null.</summary>
    public async ValueTask<Sealed> SealForAllAsync(string tenant, IReadOnlyList<Guid> subjects, string field, string? record, string plaintext, CancellationToken ct = default)
    {
        var bytes = await SealBytesAsync(tenant, subjects, field, record, Encoding.UTF8.GetBytes(plaintext), ct);
        var distinct = subjects.Distinct().ToList();
        return new Sealed(distinct[0], field, Convert.ToBase64String(bytes), distinct.Count > 1 ? distinct.Skip(1).ToList() : null);
    }

    /// <summary>Layered sealing of raw bytes (e.g. a media content key) for every subject, first subject outermost.</summary>
    public ValueTask<byte[]> SealBytesAsync(string tenant, IReadOnlyList<Guid> subjects, string field, byte[] plaintext, CancellationToken ct = default) =>
        SealBytesAsync(tenant, subjects, field, null, plaintext, ct);

    /// <summary>Layered sealing of raw bytes, bound to <paramref name="record"/> when it is not null.</summary>
    public async ValueTask<byte[]> SealBytesAsync(string tenant, IReadOnlyList<Guid> subjects, string field, string? record, byte[] plaintext, CancellationToken ct = default)
    {
        var distinct = subjects.Distinct().ToList();
        if (distinct.Count == 0) throw new ArgumentException("At least one data subject is required.", nameof(subjects));
        var period = CurrentPeriod;
        var flags = record is null ? (byte)0 : SealedFormat.RecordBound;
        var bytes = plaintext;
        for (var i = distinct.Count - 1; i >= 0; i--)
        {
            var (key, masterKeyId) = await GetOrCreateKeyAsync(tenant, distinct[i], period, ct);
            try
            {
                var header = SealedFormat.Header(flags, period, masterKeyId);
                var layer = SealedFormat.Read(header)!.Value;
                bytes = Aead.Encrypt(key, header, bytes, SealedFormat.AssociatedDataV2(tenant, distinct[i], layer, field, record));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        return bytes;
    }

    /// <summary>Opens bytes sealed by <see cref="SealBytesAsync(string, IReadOnlyList{Guid}, string, byte[], CancellationToken)"/>; null once any subject is erased or on tampering.</summary>
    public ValueTask<byte[]?> UnsealBytesAsync(IEnumerable<Guid> subjects, string field, byte[] sealedBytes, CancellationToken ct = default) =>
        UnsealBytesAsync(subjects, field, null, sealedBytes, ct);

    /// <summary>Opens layered bytes read for <paramref name="record"/> (values sealed for another record do not open).</summary>
    public async ValueTask<byte[]?> UnsealBytesAsync(IEnumerable<Guid> subjects, string field, string? record, byte[] sealedBytes, CancellationToken ct = default)
    {
        byte[]? bytes = sealedBytes;
        foreach (var subject in subjects.Distinct())
        {
            if (SealedFormat.Read(bytes) is not { } layer) return null;
            var found = await FindKeyAsync(subject, layer.Period, ct);
            if (found is not { } f) return null;
            var (key, tenant, _) = f;
            try
            {
                bytes = layer.Version == SealedFormat.V1
                    ? Aead.Decrypt(key, bytes, SealedFormat.AssociatedDataV1(subject, field))
                    : Aead.Decrypt(key, layer.HeaderLength, bytes, SealedFormat.AssociatedDataV2(tenant, subject, layer, field, record));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            if (bytes is null) return null;
        }

        return bytes;
    }

    /// <summary>The plaintext, or null when there is no value or its subject has been erased.</summary>
    public ValueTask<string?> UnsealAsync(Sealed? value, CancellationToken ct = default) => UnsealAsync(value, null, ct);

    /// <summary>The plaintext of a value read for <paramref name="record"/>; null when erased, tampered with or sealed for another record.</summary>
    public async ValueTask<string?> UnsealAsync(Sealed? value, string? record, CancellationToken ct = default)
    {
        if (value is null) return null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Data);
        }
        catch (FormatException)
        {
            return null;
        }

        var plaintext = await UnsealBytesAsync(value.Subjects, value.Field, record, bytes, ct);
        return plaintext is null ? null : Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Loads the keys of many subjects in one round trip before a read that unseals many values.</summary>
    public async Task PreloadAsync(IEnumerable<Guid> subjects, CancellationToken ct = default)
    {
        var period = CurrentPeriod;
        var missing = subjects.Distinct().Where(s => _cache.Find(s, period) is null && _cache.Find(s, KeyPeriods.Legacy) is null).ToArray();
        if (missing.Length == 0) return;
        var generation = _cache.Generation;
        foreach (var row in await _store.FindAsync(missing, ct)) Zero(Unwrap(row, generation));
    }

    public async Task<bool> IsErasedAsync(Guid subject, CancellationToken ct = default)
    {
        if (_cache.Find(subject, KeyPeriods.Legacy) is { } known) return known.Erased;
        var generation = _cache.Generation;
        var rows = await _store.FindAsync([subject], ct);
        var anchor = rows.FirstOrDefault(r => r.Period == KeyPeriods.Legacy);
        if (anchor is null) return false;
        Zero(Unwrap(anchor, generation));
        return anchor.ErasedAt is not null;
    }

    /// <summary>Destroys every key of the subject: every value sealed for it becomes unreadable, on every node.</summary>
    public async Task EraseAsync(string tenant, Guid subject, Guid erasedBy, CancellationToken ct = default)
    {
        _cache.Evict(subject);
        await _store.EraseAsync(tenant, subject, erasedBy, ct);
        _cache.Evict(subject);
    }

    /// <summary>
    /// Rewraps every live data key that is wrapped under an older master key with the current one, then vacuums the
    /// key table. Afterwards no live key needs the older master keys: drop them from configuration and destroy them, and
    /// every stale copy of a key wrapped under them (dead tuples, WAL, backups) becomes unreadable. Returns how many
    /// keys were rewrapped.
    /// </summary>
    public async Task<int> RewrapAllAsync(CancellationToken ct = default)
    {
        var rewrapped = 0;
        while (true)
        {
            var rows = await _store.FindWrappedUnderOtherAsync(_masterKeys.CurrentId, 500, ct);
            if (rows.Count == 0) break;
            foreach (var row in rows)
            {
                var old = _masterKeys.Find(row.MasterKeyId)
                          ?? throw new CryptographicException($"Master key '{row.MasterKeyId}' still wraps live keys but is not configured.");
                var ad = SealedFormat.WrapAssociatedData(row.Tenant, row.Subject, row.Period);
                var key = Aead.Decrypt(old, row.WrappedKey!, ad)
                          ?? throw new CryptographicException($"The data key of subject {row.Subject} (period {row.Period}) does not unwrap with master key '{row.MasterKeyId}'.");
                try
                {
                    if (await _store.ReplaceWrappedKeyAsync(row, _masterKeys.CurrentId, Aead.Encrypt(_masterKeys.Current, key, ad), ct)) rewrapped++;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }

        if (rewrapped > 0) await _store.VacuumAsync(ct);
        return rewrapped;
    }

    /// <summary>Drops a subject's keys from this node's cache (erasure elsewhere, or tests).</summary>
    public void Evict(Guid subject) => _cache.Evict(subject);

    public void EvictAll() => _cache.EvictAll();

    private async ValueTask<(byte[] Key, string MasterKeyId)> GetOrCreateKeyAsync(string tenant, Guid subject, int period, CancellationToken ct)
    {
        if (_cache.Find(subject, period) is { } cached)
        {
            if (cached.Erased) throw new SubjectErasedException(subject);
            if (cached.Tenant != tenant) throw new InvalidOperationException($"Data subject {subject} belongs to another tenant.");
            if (cached.CopyKey() is { } copy) return (copy, cached.MasterKeyId);
        }

        // A miss is usually a key that exists but is not cached here (another node made it, or this node restarted): read it
        // (one round trip, no write) before making and inserting a fresh one, which only a subject's first value of a period needs.
        if (await FindKeyAsync(subject, period, ct) is { } found)
        {
            if (found.Tenant != tenant)
            {
                CryptographicOperations.ZeroMemory(found.Key);
                throw new InvalidOperationException($"Data subject {subject} belongs to another tenant.");
            }

            return (found.Key, found.MasterKeyId);
        }
        else if (_cache.Find(subject, period) is { Erased: true })
        {
            throw new SubjectErasedException(subject);
        }

        var generation = _cache.Generation;
        var fresh = RandomNumberGenerator.GetBytes(32);
        IReadOnlyList<SubjectKeyRow> rows;
        try
        {
            var wrapped = Aead.Encrypt(_masterKeys.Current, fresh, SealedFormat.WrapAssociatedData(tenant, subject, period));
            rows = await _store.GetOrAddAsync(tenant, subject, period, _masterKeys.CurrentId, wrapped, ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }

        var anchor = rows.FirstOrDefault(r => r.Period == KeyPeriods.Legacy);
        if (anchor is not null && anchor.Tenant != tenant) throw new InvalidOperationException($"Data subject {subject} belongs to another tenant.");
        if (anchor is not null) Zero(Unwrap(anchor, generation));
        if (anchor?.ErasedAt is not null) throw new SubjectErasedException(subject);

        var row = rows.SingleOrDefault(r => r.Period == period) ?? throw new SubjectErasedException(subject);
        var key = Unwrap(row, generation) ?? throw new SubjectErasedException(subject);
        return (key, row.MasterKeyId);
    }

    /// <summary>A copy of the subject's key of <paramref name="period"/> (the caller zeroes it) and its tenant; null when erased or absent.</summary>
    private async ValueTask<(byte[] Key, string Tenant, string MasterKeyId)?> FindKeyAsync(Guid subject, int period, CancellationToken ct)
    {
        if (_cache.Find(subject, period) is { } cached)
        {
            if (cached.Erased) return null;
            if (cached.CopyKey() is { } copy) return (copy, cached.Tenant, cached.MasterKeyId);
        }

        var generation = _cache.Generation;
        var rows = await _store.FindAsync([subject], ct);
        byte[]? key = null;
        SubjectKeyRow? found = null;
        foreach (var row in rows)
        {
            var unwrapped = Unwrap(row, generation);
            if (row.Period == period && unwrapped is not null && rows.All(r => r.ErasedAt is null))
            {
                key = unwrapped;
                found = row;
            }
            else
            {
                Zero(unwrapped);
            }
        }

        return key is null ? null : (key, found!.Tenant, found.MasterKeyId);
    }

    /// <summary>Unwraps a row's key and caches it (or the subject's erasure); returns a copy the caller must zero, or null.</summary>
    private byte[]? Unwrap(SubjectKeyRow row, long generation)
    {
        var erased = row.ErasedAt is not null;
        if (row.WrappedKey is null || erased)
        {
            _cache.Remember(row.Subject, row.Period, row.Tenant, row.MasterKeyId, null, erased, generation);
            return null;
        }

        var master = _masterKeys.Find(row.MasterKeyId)
                     ?? throw new CryptographicException($"The data key of subject {row.Subject} is wrapped under master key '{row.MasterKeyId}', which is not configured.");
        var key = Aead.Decrypt(master, row.WrappedKey, SealedFormat.WrapAssociatedData(row.Tenant, row.Subject, row.Period))
                  ?? throw new CryptographicException($"The data key of subject {row.Subject} cannot be unwrapped with master key '{row.MasterKeyId}'.");
        var copy = key.ToArray();
        _cache.Remember(row.Subject, row.Period, row.Tenant, row.MasterKeyId, key, erased: false, generation);
        return copy;
    }

    private static void Zero(byte[]? key)
    {
        if (key is not null) CryptographicOperations.ZeroMemory(key);
    }
}
