using System.Text;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.PersonalData;

public sealed class when_sealing_personal_data(AppFixture app) : IntegrationTest(app)
{
    private PersonalDataVault Vault => Host.Services.GetRequiredService<PersonalDataVault>();
    private const string Tenant = "tenant-under-test";

    [Fact]
    public async Task a_sealed_value_round_trips_and_holds_no_plaintext()
    {
        var subject = Guid.CreateVersion7();
        var sealedName = await Vault.SealAsync(Tenant, subject, "student.name", "Marguerite Bourgeoys");
        Assert.DoesNotContain("Marguerite", sealedName.Data);
        Assert.DoesNotContain("Marguerite", Encoding.UTF8.GetString(Convert.FromBase64String(sealedName.Data)));
        Assert.Equal("Marguerite Bourgeoys", await Vault.UnsealAsync(sealedName));
    }

    [Fact]
    public async Task the_same_value_seals_differently_every_time()
    {
        var subject = Guid.CreateVersion7();
        var a = await Vault.SealAsync(Tenant, subject, "f", "same");
        var b = await Vault.SealAsync(Tenant, subject, "f", "same");
        Assert.NotEqual(a.Data, b.Data);
    }

    [Fact]
    public async Task a_value_moved_to_another_subject_or_field_or_tampered_with_does_not_open()
    {
        var alice = Guid.CreateVersion7();
        var bob = Guid.CreateVersion7();
        var value = await Vault.SealAsync(Tenant, alice, "student.name", "Alice");
        await Vault.SealAsync(Tenant, bob, "student.name", "Bob");

        Assert.Null(await Vault.UnsealAsync(value with { Subject = bob }));
        Assert.Null(await Vault.UnsealAsync(value with { Field = "point.note" }));
        var bytes = Convert.FromBase64String(value.Data);
        bytes[^1] ^= 0x01;
        Assert.Null(await Vault.UnsealAsync(value with { Data = Convert.ToBase64String(bytes) }));
        Assert.Null(await Vault.UnsealAsync(value with { Data = "not base64!" }));
    }

    [Fact]
    public async Task after_erasure_values_are_unreadable_even_with_a_cold_cache_and_new_writes_are_refused()
    {
        var subject = Guid.CreateVersion7();
        var value = await Vault.SealAsync(Tenant, subject, "student.name", "Erased Person");
        await Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());

        Assert.Null(await Vault.UnsealAsync(value));
        Vault.EvictAll();
        Assert.Null(await Vault.UnsealAsync(value));
        Assert.True(await Vault.IsErasedAsync(subject));
        await Assert.ThrowsAsync<SubjectErasedException>(async () => await Vault.SealAsync(Tenant, subject, "student.name", "Again"));
    }

    [Fact]
    public async Task a_subject_erased_before_it_ever_had_a_key_can_never_get_one()
    {
        var subject = Guid.CreateVersion7();
        await Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());
        await Assert.ThrowsAsync<SubjectErasedException>(async () => await Vault.SealAsync(Tenant, subject, "f", "x"));
    }

    [Fact]
    public async Task the_key_store_keeps_only_wrapped_keys_and_a_fence_after_erasure()
    {
        var store = Host.Services.GetRequiredService<SubjectKeyStore>();
        var subject = Guid.CreateVersion7();
        await Vault.SealAsync(Tenant, subject, "f", "x");
        var before = (await store.FindAsync([subject], CancellationToken.None)).Single(r => r.WrappedKey is not null);
        Assert.Equal(Vault.CurrentPeriod, before.Period);
        Assert.Equal(1 + 12 + 16 + 32, before.WrappedKey!.Length);

        await Vault.EraseAsync(Tenant, subject, Guid.CreateVersion7());
        var after = (await store.FindAsync([subject], CancellationToken.None)).Single();
        Assert.Null(after.WrappedKey);
        Assert.NotNull(after.ErasedAt);
        Assert.Equal(KeyPeriods.Legacy, after.Period);
    }

    [Fact]
    public void blind_indexes_are_keyed_normalised_and_purpose_bound()
    {
        var index = Host.Services.GetRequiredService<BlindIndex>();
        Assert.Equal(index.Of("login-email", "Someone@School.test "), index.Of("login-email", "someone@school.test"));
        Assert.NotEqual(index.Of("login-email", "someone@school.test"), index.Of("parent-code", "someone@school.test"));
        Assert.DoesNotContain("someone", index.Of("login-email", "someone@school.test"));
    }
}
