using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ClassComms.PersonalData;

/// <summary>
/// Seals and unseals personal values with per-subject data keys (crypto-shredding).
/// Data keys are random AES-256 keys wrapped by the master key and stored in <see cref="SubjectKeyStore"/>;
/// unwrapped keys are cached on this node for <see cref="PersonalDataOptions.KeyCacheTtl"/>, and erasure
/// evicts them. Erasure is permanent: the key row becomes a fence and no new key is ever made for the subject.
/// </summary>
public sealed class PersonalDataVault(SubjectKeyStore store, IOptions<PersonalDataOptions> options, TimeProvider clock)
{
    private readonly byte[] _masterKey = PersonalDataOptions.DecodeKey(options.Value.MasterKey, nameof(PersonalDataOptions.MasterKey));
    private readonly TimeSpan _ttl = options.Value.KeyCacheTtl;
    private readonly ConcurrentDictionary<Guid, CachedKey> _cache = new();

    private sealed record CachedKey(string Tenant, byte[]? Key, DateTimeOffset LoadedAt);

    public async ValueTask<Sealed> SealAsync(string tenant, Guid subject, string field, string plaintext, CancellationToken ct = default)
    {
        var key = await GetOrCreateKeyAsync(tenant, subject, ct);
        var bytes = Aead.Encrypt(key, Encoding.UTF8.GetBytes(plaintext), AssociatedData(subject, field));
        return new Sealed(subject, field, Convert.ToBase64String(bytes));
    }

    /// <summary>Seals a value about several subjects in layers: it opens only while every one of them has a key.</summary>
    public async ValueTask<Sealed> SealForAllAsync(string tenant, IReadOnlyList<Guid> subjects, string field, string plaintext, CancellationToken ct = default)
    {
        var bytes = await SealBytesAsync(tenant, subjects, field, Encoding.UTF8.GetBytes(plaintext), ct);
        var distinct = subjects.Distinct().ToList();
        return new Sealed(distinct[0], field, Convert.ToBase64String(bytes), distinct.Count > 1 ? distinct.Skip(1).ToList() : null);
    }

    /// <summary>Layered sealing of raw bytes (e.g. a media content key) for every subject, first subject outermost.</summary>
    public async ValueTask<byte[]> SealBytesAsync(string tenant, IReadOnlyList<Guid> subjects, string field, byte[] plaintext, CancellationToken ct = default)
    {
        var distinct = subjects.Distinct().ToList();
        if (distinct.Count == 0) throw new ArgumentException("At least one data subject is required.", nameof(subjects));
        var bytes = plaintext;
        for (var i = distinct.Count - 1; i >= 0; i--)
        {
            var key = await GetOrCreateKeyAsync(tenant, distinct[i], ct);
            bytes = Aead.Encrypt(key, bytes, AssociatedData(distinct[i], field));
        }

        return bytes;
    }

    /// <summary>Opens bytes sealed by <see cref="SealBytesAsync"/>; null once any subject is erased or on tampering.</summary>
    public async ValueTask<byte[]?> UnsealBytesAsync(IEnumerable<Guid> subjects, string field, byte[] sealedBytes, CancellationToken ct = default)
    {
        byte[]? bytes = sealedBytes;
        foreach (var subject in subjects.Distinct())
        {
            var key = await FindKeyAsync(subject, ct);
            if (key is null) return null;
            bytes = Aead.Decrypt(key, bytes, AssociatedData(subject, field));
            if (bytes is null) return null;
        }

        return bytes;
    }

    /// <summary>The plaintext, or null when there is no value or its subject has been erased.</summary>
    public async ValueTask<string?> UnsealAsync(Sealed? value, CancellationToken ct = default)
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

        var plaintext = await UnsealBytesAsync(value.Subjects, value.Field, bytes, ct);
        return plaintext is null ? null : Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Loads the keys of many subjects in one round trip before a read that unseals many values.</summary>
    public async Task PreloadAsync(IEnumerable<Guid> subjects, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var missing = subjects.Distinct().Where(s => !TryCached(s, now, out _)).ToArray();
        if (missing.Length == 0) return;
        foreach (var row in await store.FindAsync(missing, ct)) Remember(row, now);
    }

    public async Task<bool> IsErasedAsync(Guid subject, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (TryCached(subject, now, out var cached)) return cached!.Key is null;
        var rows = await store.FindAsync([subject], ct);
        if (rows.Count == 0) return false;
        return Remember(rows[0], now).Key is null;
    }

    /// <summary>Destroys the subject's key: every value sealed for it becomes unreadable, everywhere.</summary>
    public async Task EraseAsync(string tenant, Guid subject, Guid erasedBy, CancellationToken ct = default)
    {
        await store.EraseAsync(tenant, subject, erasedBy, ct);
        Evict(subject);
    }

    /// <summary>Drops a key from this node's cache (erasure elsewhere, or tests).</summary>
    public void Evict(Guid subject) => _cache.TryRemove(subject, out _);

    public void EvictAll() => _cache.Clear();

    private async ValueTask<byte[]> GetOrCreateKeyAsync(string tenant, Guid subject, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (TryCached(subject, now, out var cached))
        {
            return cached!.Key ?? throw new SubjectErasedException(subject);
        }

        var fresh = RandomNumberGenerator.GetBytes(32);
        var row = await store.GetOrAddAsync(tenant, subject, Aead.Encrypt(_masterKey, fresh, WrapAssociatedData(subject)), ct);
        if (row.Tenant != tenant)
        {
            throw new InvalidOperationException($"Data subject {subject} belongs to another tenant.");
        }

        return Remember(row, now).Key ?? throw new SubjectErasedException(subject);
    }

    private async ValueTask<byte[]?> FindKeyAsync(Guid subject, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (TryCached(subject, now, out var cached)) return cached!.Key;
        var rows = await store.FindAsync([subject], ct);
        return rows.Count == 0 ? null : Remember(rows[0], now).Key;
    }

    private bool TryCached(Guid subject, DateTimeOffset now, out CachedKey? cached)
    {
        if (_cache.TryGetValue(subject, out cached) && (cached.Key is null || now - cached.LoadedAt < _ttl)) return true;
        cached = null;
        return false;
    }

    private CachedKey Remember(SubjectKeyRow row, DateTimeOffset now)
    {
        byte[]? key = null;
        if (row.WrappedKey is not null && row.ErasedAt is null)
        {
            key = Aead.Decrypt(_masterKey, row.WrappedKey, WrapAssociatedData(row.Subject))
                  ?? throw new CryptographicException($"The data key of subject {row.Subject} cannot be unwrapped with the configured master key.");
        }

        var entry = new CachedKey(row.Tenant, key, now);
        _cache[row.Subject] = entry;
        return entry;
    }

    private static string AssociatedData(Guid subject, string field) => $"classcomms/v1|{subject:N}|{field}";

    private static string WrapAssociatedData(Guid subject) => $"classcomms/dek/v1|{subject:N}";
}
