using System.Security.Cryptography;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.Tests.PersonalData;

/// <summary>Key-encryption-key epochs: rewrap every live key under the current master key, then drop the old one.</summary>
public sealed class when_rotating_the_master_key(AppFixture app) : IntegrationTest(app)
{
    private const string Tenant = "tenant-under-test";

    [Fact]
    public async Task after_rewrapping_everything_opens_without_the_old_master_key_and_an_old_row_copy_does_not_unwrap()
    {
        var oldKey = KeyStores.NewKey();
        var newKey = KeyStores.NewKey();
        var subject = Guid.CreateVersion7();

        // Epoch 1: the legacy single master key, known as "default".
        Sealed value;
        byte[] oldWrapped;
        await using (var before = await StandaloneVault.CreateAsync(o => o.MasterKey = oldKey))
        {
            value = await before.Vault.SealAsync(Tenant, subject, "student.name", "Jeanne Mance");
            var row = (await before.Store.FindAsync([subject], CancellationToken.None)).Single(r => r.WrappedKey is not null);
            Assert.Equal(PersonalDataOptions.DefaultMasterKeyId, row.MasterKeyId);
            oldWrapped = row.WrappedKey!;
        }

        // Both keys configured, the new one current: rewrap.
        await using (var rotating = await StandaloneVault.CreateAsync(o =>
                     {
                         o.MasterKey = oldKey;
                         o.MasterKeys["2026-12"] = newKey;
                         o.CurrentMasterKeyId = "2026-12";
                     }))
        {
            Assert.Equal(1, await rotating.Vault.RewrapAllAsync());
            Assert.Equal(["2026-12"], await rotating.Store.MasterKeyIdsInUseAsync(CancellationToken.None));
            Assert.Equal(0, await rotating.Vault.RewrapAllAsync());
        }

        // The old master key is dropped from configuration: everything still opens, new values too.
        await using var after = await StandaloneVault.CreateAsync(o =>
        {
            o.MasterKeys["2026-12"] = newKey;
            o.CurrentMasterKeyId = "2026-12";
        });
        Assert.Equal("Jeanne Mance", await after.Vault.UnsealAsync(value));
        var later = await after.Vault.SealAsync(Tenant, subject, "point.note", "Later");
        Assert.Equal("Later", await after.Vault.UnsealAsync(later));
        var rewrapped = (await after.Store.FindAsync([subject], CancellationToken.None)).Single(r => r.WrappedKey is not null);
        Assert.NotEqual(oldWrapped, rewrapped.WrappedKey);

        // A stale copy of the old row (from a dead tuple, the WAL or a backup) put back does not unwrap any more,
        // whichever master key it claims.
        foreach (var claimed in new[] { PersonalDataOptions.DefaultMasterKeyId, "2026-12" })
        {
            await RestoreRowAsync(subject, claimed, oldWrapped);
            after.Vault.EvictAll();
            await Assert.ThrowsAnyAsync<CryptographicException>(async () => await after.Vault.UnsealAsync(value));
        }
    }

    [Fact]
    public async Task a_key_wrapped_under_a_master_key_that_is_not_configured_is_reported_not_treated_as_erased()
    {
        var subject = Guid.CreateVersion7();
        Sealed value;
        await using (var first = await StandaloneVault.CreateAsync(o => o.MasterKeys["a"] = KeyStores.NewKey()))
        {
            value = await first.Vault.SealAsync(Tenant, subject, "f", "x");
        }

        await using var second = await StandaloneVault.CreateAsync(o => o.MasterKeys["b"] = KeyStores.NewKey());
        var error = await Assert.ThrowsAnyAsync<CryptographicException>(async () => await second.Vault.UnsealAsync(value));
        Assert.Contains("'a'", error.Message);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => second.Vault.RewrapAllAsync());
    }

    [Fact]
    public async Task several_master_keys_without_a_current_one_are_refused()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => StandaloneVault.CreateAsync(o =>
        {
            o.MasterKeys["a"] = KeyStores.NewKey();
            o.MasterKeys["b"] = KeyStores.NewKey();
        }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => StandaloneVault.CreateAsync(o =>
        {
            o.MasterKeys["a"] = KeyStores.NewKey();
            o.CurrentMasterKeyId = "missing";
        }));
    }

    private static async Task RestoreRowAsync(Guid subject, string masterKeyId, byte[] wrapped)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "update personal_data.subject_keys set master_key_id = $2, wrapped_key = $3 where subject_id = $1 and wrapped_key is not null", connection);
        cmd.Parameters.AddWithValue(subject);
        cmd.Parameters.AddWithValue(masterKeyId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bytea, wrapped);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }
}
