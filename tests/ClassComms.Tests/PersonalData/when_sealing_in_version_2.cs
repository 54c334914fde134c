using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.Tests.PersonalData;

/// <summary>Sealed values name their key (subject, period, master key), bind tenant and record, and version 1 still opens.</summary>
public sealed class when_sealing_in_version_2(AppFixture app) : IntegrationTest(app)
{
    private PersonalDataVault Vault => Host.Services.GetRequiredService<PersonalDataVault>();
    private const string Tenant = "tenant-under-test";

    [Fact]
    public async Task a_value_names_its_version_period_and_master_key()
    {
        var value = await Vault.SealAsync(Tenant, Guid.CreateVersion7(), "student.name", "Kateri");
        var bytes = Convert.FromBase64String(value.Data);
        Assert.Equal(2, bytes[0]);
        Assert.Equal(Vault.CurrentPeriod, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(2)));
        Assert.Equal(PersonalDataOptions.DefaultMasterKeyId, Encoding.UTF8.GetString(bytes, 7, bytes[6]));
        Assert.Equal("Kateri", await Vault.UnsealAsync(value));
    }

    [Fact]
    public async Task a_value_sealed_in_version_1_still_opens_and_is_shredded_with_its_subject()
    {
        // Built by hand exactly as version 1 did: one key per subject wrapped by the master key, AD = subject + field.
        var subject = Guid.CreateVersion7();
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = V1(KeyStores.TestMasterKey, dataKey, $"classcomms/dek/v1|{subject:N}");
        await using (var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten")))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "insert into personal_data.subject_keys (subject_id, tenant_id, master_key_id, wrapped_key) values ($1, $2, 'default', $3)", connection);
            insert.Parameters.AddWithValue(subject);
            insert.Parameters.AddWithValue(Tenant);
            insert.Parameters.AddWithValue(NpgsqlDbType.Bytea, wrapped);
            await insert.ExecuteNonQueryAsync();
        }

        var v1 = new Sealed(subject, "student.name", Convert.ToBase64String(V1(dataKey, "Émilie Gamelin"u8.ToArray(), $"classcomms/v1|{subject:N}|student.name")));
        Assert.Equal("Émilie Gamelin", await Vault.UnsealAsync(v1));
        Assert.Equal("Émilie Gamelin", await Vault.UnsealAsync(v1, "any-record"));
        Assert.Null(await Vault.UnsealAsync(v1 with { Field = "point.note" }));

        // New values for the same subject are version 2 under a period key; both open, and erasure shreds both.
        var v2 = await Vault.SealAsync(Tenant, subject, "point.note", "Nouvelle note");
        Assert.Equal(2, Convert.FromBase64String(v2.Data)[0]);
        Assert.Equal("Nouvelle note", await Vault.UnsealAsync(v2));
        await Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());
        Vault.EvictAll();
        Assert.Null(await Vault.UnsealAsync(v1));
        Assert.Null(await Vault.UnsealAsync(v2));
    }

    [Fact]
    public async Task a_value_bound_to_a_record_opens_only_for_that_record()
    {
        var subject = Guid.CreateVersion7();
        var message = Guid.CreateVersion7().ToString();
        var bound = await Vault.SealAsync(Tenant, subject, "message.body", message, "Rendez-vous jeudi");
        Assert.Equal("Rendez-vous jeudi", await Vault.UnsealAsync(bound, message));
        Assert.Null(await Vault.UnsealAsync(bound, Guid.CreateVersion7().ToString()));
        Assert.Null(await Vault.UnsealAsync(bound));

        // Several subjects, record-bound: every layer checks the record.
        var other = Guid.CreateVersion7();
        var layered = await Vault.SealForAllAsync(Tenant, [subject, other], "message.body", message, "Pour les deux");
        Assert.Equal("Pour les deux", await Vault.UnsealAsync(layered, message));
        Assert.Null(await Vault.UnsealAsync(layered, "another-message"));

        // Flipping the header's record flag does not make a bound value open unbound.
        var bytes = Convert.FromBase64String(bound.Data);
        bytes[1] = 0;
        Assert.Null(await Vault.UnsealAsync(bound with { Data = Convert.ToBase64String(bytes) }));

        // A value sealed without a record still opens whatever record the reader names.
        var unbound = await Vault.SealAsync(Tenant, subject, "message.body", "Ancien");
        Assert.Equal("Ancien", await Vault.UnsealAsync(unbound, message));
    }

    [Fact]
    public async Task keys_are_per_school_year_and_erasure_destroys_every_period()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 7, 31, 23, 0, 0, TimeSpan.Zero));
        await using var keys = await StandaloneVault.CreateAsync(o => o.MasterKey = Convert.ToBase64String(KeyStores.TestMasterKey), clock);
        var subject = Guid.CreateVersion7();

        Assert.Equal(2025, keys.Vault.CurrentPeriod);
        var lastYear = await keys.Vault.SealAsync(Tenant, subject, "point.note", "juillet");
        clock.Now = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(2026, keys.Vault.CurrentPeriod);
        var thisYear = await keys.Vault.SealAsync(Tenant, subject, "point.note", "août");

        var rows = await keys.Store.FindAsync([subject], CancellationToken.None);
        Assert.Equal([0, 2025, 2026], rows.Select(r => r.Period));
        Assert.Equal("juillet", await keys.Vault.UnsealAsync(lastYear));
        Assert.Equal("août", await keys.Vault.UnsealAsync(thisYear));

        await keys.Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());
        var fence = Assert.Single(await keys.Store.FindAsync([subject], CancellationToken.None));
        Assert.Null(fence.WrappedKey);
        keys.Vault.EvictAll();
        Assert.Null(await keys.Vault.UnsealAsync(lastYear));
        Assert.Null(await keys.Vault.UnsealAsync(thisYear));
        clock.Now = clock.Now.AddYears(1);
        await Assert.ThrowsAsync<SubjectErasedException>(async () => await keys.Vault.SealAsync(Tenant, subject, "point.note", "plus tard"));
    }

    [Fact]
    public void blind_indexes_use_the_current_lookup_key_and_lookups_also_find_older_versions()
    {
        var v1 = KeyStores.NewKey();
        var v2 = KeyStores.NewKey();
        var before = new BlindIndex(Options.Create(new PersonalDataOptions { LookupKey = v1 }));
        var after = new BlindIndex(Options.Create(new PersonalDataOptions { LookupKey = v1, LookupKeys = { ["2"] = v2 } }));
        var pinned = new BlindIndex(Options.Create(new PersonalDataOptions { LookupKey = v1, LookupKeys = { ["2"] = v2 }, CurrentLookupKeyVersion = 1 }));

        var stored = before.Of("login-email", "someone@school.test");
        var fresh = after.Of("login-email", "Someone@School.test");
        Assert.StartsWith("v2-", fresh);
        Assert.NotEqual(stored, fresh);
        Assert.Equal([fresh, stored], after.AllOf("login-email", "someone@school.test"));
        Assert.Equal(stored, pinned.Of("login-email", "someone@school.test"));
        Assert.Throws<InvalidOperationException>(() =>
            new BlindIndex(Options.Create(new PersonalDataOptions { LookupKey = v1, CurrentLookupKeyVersion = 3 })));
    }

    private static byte[] V1(byte[] key, byte[] plaintext, string associatedData)
    {
        var output = new byte[1 + 12 + 16 + plaintext.Length];
        output[0] = 1;
        RandomNumberGenerator.Fill(output.AsSpan(1, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(output.AsSpan(1, 12), plaintext, output.AsSpan(29), output.AsSpan(13, 16), Encoding.UTF8.GetBytes(associatedData));
        return output;
    }
}
