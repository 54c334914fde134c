using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.PersonalData;

/// <summary>The node's key cache: bounded, absolute expiry, zeroes what it drops, no re-caching across an eviction.</summary>
public sealed class when_caching_keys(AppFixture app) : IntegrationTest(app)
{
    private const string Tenant = "tenant-under-test";
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_key_loaded_before_an_eviction_is_not_cached_and_is_zeroed()
    {
        var cache = new KeyCache(100, TimeSpan.FromMinutes(5), new ManualClock(Start));
        var subject = Guid.CreateVersion7();
        var generation = cache.Generation;     // a read starts and loads the key from the database...
        cache.Evict(subject);                   // ...while the subject is erased
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        cache.Remember(subject, 2026, Tenant, "default", key, erased: false, generation);

        Assert.Null(cache.Find(subject, 2026));
        Assert.All(key, b => Assert.Equal(0, b));
    }

    [Fact]
    public void keys_expire_a_fixed_time_after_loading_and_are_zeroed()
    {
        var clock = new ManualClock(Start);
        var cache = new KeyCache(100, TimeSpan.FromMinutes(5), clock);
        var subject = Guid.CreateVersion7();
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        cache.Remember(subject, 2026, Tenant, "default", key, erased: false, cache.Generation);

        clock.Now = Start.AddMinutes(4);
        var copy = cache.Find(subject, 2026)!.CopyKey()!;
        Assert.Equal(key, copy);
        clock.Now = Start.AddMinutes(5);
        Assert.Null(cache.Find(subject, 2026));
        Assert.All(key, b => Assert.Equal(0, b));
        Assert.All(copy, b => Assert.Equal(7, b));
    }

    [Fact]
    public void the_cache_never_holds_more_than_its_capacity_and_zeroes_what_it_drops()
    {
        var cache = new KeyCache(10, TimeSpan.FromMinutes(5), new ManualClock(Start));
        var keys = new List<byte[]>();
        for (var i = 0; i < 25; i++)
        {
            var key = Enumerable.Repeat((byte)(i + 1), 32).ToArray();
            keys.Add(key);
            cache.Remember(Guid.CreateVersion7(), 2026, Tenant, "default", key, erased: false, cache.Generation);
            Assert.InRange(cache.Count, 1, 10);
        }

        Assert.Equal(25 - cache.Count, keys.Count(k => k.All(b => b == 0)));
    }

    [Fact]
    public void evicting_a_subject_drops_every_period_and_zeroes_them()
    {
        var cache = new KeyCache(100, TimeSpan.FromMinutes(5), new ManualClock(Start));
        var subject = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        var a = Enumerable.Repeat((byte)1, 32).ToArray();
        var b = Enumerable.Repeat((byte)2, 32).ToArray();
        cache.Remember(subject, 2025, Tenant, "default", a, erased: false, cache.Generation);
        cache.Remember(subject, 2026, Tenant, "default", b, erased: false, cache.Generation);
        cache.Remember(other, 2026, Tenant, "default", Enumerable.Repeat((byte)3, 32).ToArray(), erased: false, cache.Generation);

        cache.Evict(subject);
        Assert.Null(cache.Find(subject, 2025));
        Assert.Null(cache.Find(subject, 2026));
        Assert.NotNull(cache.Find(other, 2026));
        Assert.All(a.Concat(b), x => Assert.Equal(0, x));
    }

    [Fact]
    public async Task a_vault_serves_an_erased_key_no_longer_than_the_ttl_even_without_an_eviction()
    {
        // Two vaults without listeners: the second erases behind the first's back.
        var clock = new ManualClock(Start);
        var master = Convert.ToBase64String(KeyStores.TestMasterKey);
        await using var node = await StandaloneVault.CreateAsync(o =>
        {
            o.MasterKey = master;
            o.KeyCacheTtl = TimeSpan.FromMinutes(1);
        }, clock);
        await using var elsewhere = await StandaloneVault.CreateAsync(o => o.MasterKey = master, clock);
        var subject = Guid.CreateVersion7();
        var value = await node.Vault.SealAsync(Tenant, subject, "f", "x");

        await elsewhere.Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());
        Assert.Equal("x", await node.Vault.UnsealAsync(value));
        clock.Now = Start.AddMinutes(1);
        Assert.Null(await node.Vault.UnsealAsync(value));
    }

    [Fact]
    public async Task after_an_erasure_on_one_node_another_node_cannot_unseal_within_a_second()
    {
        var vaultA = Host.Services.GetRequiredService<PersonalDataVault>();
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var vaultB = nodeB.Services.GetRequiredService<PersonalDataVault>();
        var subject = Guid.CreateVersion7();
        var value = await vaultA.SealAsync(Tenant, subject, "student.name", "Marie Rollet");
        Assert.Equal("Marie Rollet", await vaultB.UnsealAsync(value));   // B now holds the key in its cache (TTL 5 min)

        await vaultA.EraseAsync(Tenant, subject, Guid.CreateVersion7());

        string? seenByB = "Marie Rollet";
        for (var attempt = 0; attempt < 20 && seenByB is not null; attempt++)
        {
            seenByB = await vaultB.UnsealAsync(value);
            if (seenByB is not null) await Task.Delay(50);
        }

        Assert.Null(seenByB);
    }
}
