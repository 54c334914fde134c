using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ClassComms.PersonalData;

/// <summary>
/// This node's cache of unwrapped data keys, by subject and period: bounded in size, each entry expiring a fixed time after
/// it was loaded, and every key it drops is zeroed. Callers get copies (<see cref="Entry.CopyKey"/>) so zeroing never
/// races a use. Every eviction advances <see cref="Generation"/>; a load that started before an eviction is not cached
/// (<see cref="Remember"/>), so a key erased while a read was in flight is never re-cached.
/// </summary>
internal sealed class KeyCache(int capacity, TimeSpan ttl, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(Guid Subject, int Period), Entry> _entries = new();
    private long _generation;

    public sealed class Entry(string tenant, string masterKeyId, byte[]? key, bool erased, DateTimeOffset expiresAt)
    {
        private byte[]? _key = key;

        public string Tenant { get; } = tenant;
        public string MasterKeyId { get; } = masterKeyId;
        public bool Erased { get; } = erased;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        /// <summary>A copy of the key (the caller zeroes it), or null once erased, absent or dropped.</summary>
        public byte[]? CopyKey()
        {
            lock (this) return _key?.ToArray();
        }

        public void Drop()
        {
            lock (this)
            {
                if (_key is not null) CryptographicOperations.ZeroMemory(_key);
                _key = null;
            }
        }
    }

    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    /// <summary>The subject's erased marker if it is known to be erased, else the entry of the period, if fresh.</summary>
    public Entry? Find(Guid subject, int period)
    {
        var now = clock.GetUtcNow();
        if (Fresh((subject, KeyPeriods.Legacy), now) is { Erased: true } fence) return fence;
        return Fresh((subject, period), now);
    }

    /// <summary>Caches a row's key (or the subject's erasure) unless an eviction happened since <paramref name="loadedAtGeneration"/>.</summary>
    public void Remember(Guid subject, int period, string tenant, string masterKeyId, byte[]? key, bool erased, long loadedAtGeneration)
    {
        // Period 0 is the subject's anchor: remembered even without a key, so "is this subject erased?" is answered here.
        if (key is null && !erased && period != KeyPeriods.Legacy) return;
        var entry = new Entry(tenant, masterKeyId, key, erased, clock.GetUtcNow() + ttl);
        if (_entries.Count >= capacity) Trim();
        _entries.AddOrUpdate((subject, period), entry, (_, old) =>
        {
            old.Drop();
            return entry;
        });
        // An eviction that raced this insert wins: drop what was just added.
        if (Generation != loadedAtGeneration && _entries.TryRemove(new KeyValuePair<(Guid, int), Entry>((subject, period), entry)))
        {
            entry.Drop();
        }
    }

    public void Evict(Guid subject)
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _entries.Keys)
        {
            if (key.Subject == subject && _entries.TryRemove(key, out var entry)) entry.Drop();
        }
    }

    public void EvictAll()
    {
        Interlocked.Increment(ref _generation);
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var entry)) entry.Drop();
        }
    }

    private Entry? Fresh((Guid, int) key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry)) return null;
        if (entry.ExpiresAt > now) return entry;
        if (_entries.TryRemove(new KeyValuePair<(Guid, int), Entry>(key, entry))) entry.Drop();
        return null;
    }

    /// <summary>Drops expired entries, then the tenth that expires soonest, so the cache stays under its capacity.</summary>
    private void Trim()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now && _entries.TryRemove(new KeyValuePair<(Guid, int), Entry>(key, entry))) entry.Drop();
        }

        var excess = _entries.Count - capacity + Math.Max(1, capacity / 10);
        if (excess <= 0) return;
        foreach (var (key, entry) in _entries.OrderBy(e => e.Value.ExpiresAt).Take(excess).ToList())
        {
            if (_entries.TryRemove(new KeyValuePair<(Guid, int), Entry>(key, entry))) entry.Drop();
        }
    }
}
