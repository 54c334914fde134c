using System.Net;
using System.Text;
using ClassComms.Dpo;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Dpo;

public sealed class when_signing_for_a_school(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_signature_verifies_offline_with_the_published_key_and_fails_for_changed_bytes_or_another_school()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateWorld();
        var signing = Host.Services.GetRequiredService<SchoolSigning>();
        var data = Encoding.UTF8.GetBytes("{\"files\":[]}");

        var signature = await signing.SignAsync(world.SchoolId, data, default);
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Dpo);
        var sameKey = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Teacher);
        var otherKey = await Api.Get<SigningKeyView>("/api/school/signing-key", other.Dpo);

        Assert.Equal(key.Thumbprint, sameKey.Thumbprint);
        Assert.Equal(key.Thumbprint, signature.KeyId);
        Assert.Equal("ES256", key.Algorithm);
        Assert.True(SchoolSigning.Verify(data, signature, key.PublicKeyPem));
        Assert.False(SchoolSigning.Verify(Encoding.UTF8.GetBytes("{\"files\":[1]}"), signature, key.PublicKeyPem));
        Assert.False(SchoolSigning.Verify(data, signature, otherKey.PublicKeyPem));
        Assert.False(SchoolSigning.Verify(data, signature with { Signature = "not base64!" }, key.PublicKeyPem));
        Assert.False(SchoolSigning.Verify(data, signature, "not a key"));
    }

    [Fact]
    public async Task racing_first_uses_settle_on_one_key_whose_private_half_is_stored_sealed()
    {
        var world = await Api.CreateWorld();
        var signing = Host.Services.GetRequiredService<SchoolSigning>();

        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => signing.KeyOfAsync(world.SchoolId, default)));

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        await using var session = Store.QuerySession();
        var stored = await session.LoadAsync<SchoolSigningKey>(world.SchoolId);
        Assert.NotNull(stored);
        using var plain = System.Security.Cryptography.ECDsa.Create();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => plain.ImportPkcs8PrivateKey(stored.PrivateKey, out _));
    }

    [Theory]
    [InlineData("gdpr", "2027-01-31T15:00:00Z", false, "2027-02-28")]
    [InlineData("gdpr", "2027-01-31T15:00:00Z", true, "2027-04-30")]
    [InlineData("qc-private", "2027-01-31T15:00:00Z", true, "2027-03-02")]
    [InlineData("qc-public", "2027-01-31T15:00:00Z", false, "2027-02-20")]
    [InlineData("qc-public", "2027-01-31T15:00:00Z", true, "2027-03-02")]
    [InlineData("qc-public", "2027-02-01T03:00:00Z", false, "2027-02-20")] // 22:00 on 31 January in Montreal
    public void the_deadline_is_the_end_of_the_due_day_in_the_school_time_zone(string code, string received, bool extended, string dueDay)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
        var regime = RequestDeadlines.Parse(code)!.Value;

        var due = RequestDeadlines.DueAt(regime, DateTimeOffset.Parse(received), extended, zone);

        var local = TimeZoneInfo.ConvertTime(due, zone);
        Assert.Equal(dueDay, local.ToString("yyyy-MM-dd"));
        Assert.Equal(new TimeSpan(23, 59, 59), new TimeSpan(local.Hour, local.Minute, local.Second));
    }

    [Fact]
    public async Task the_dpo_chooses_the_regime_quebec_defaults_to_public_bodies_and_a_bad_code_is_a_400()
    {
        var world = await Api.CreateWorld();
        const string url = "/api/school/privacy-regime";

        Assert.Equal(("gdpr", false), ((await Api.Get<PrivacyRegimeView>(url, world.Dpo)).Regime, (await Api.Get<PrivacyRegimeView>(url, world.Dpo)).Chosen));
        await Api.Post<ClassComms.Consents.ConsentJurisdictionView>("/api/school/consent-jurisdiction",
            new ClassComms.Consents.SetConsentJurisdiction("CA-QC"), world.Leader, HttpStatusCode.OK);
        Assert.Equal("qc-public", (await Api.Get<PrivacyRegimeView>(url, world.Teacher)).Regime);

        var chosen = await Api.Post<PrivacyRegimeView>(url, new SetPrivacyRegime("qc-private"), world.Dpo, HttpStatusCode.OK);
        Assert.Equal(("qc-private", true, false), (chosen.Regime, chosen.Chosen, chosen.CanExtend));

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new SetPrivacyRegime("mars"), world.Dpo);
        Assert.True(problem.Errors?.ContainsKey("regime"));
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, url, new SetPrivacyRegime("gdpr"), world.Teacher);
        Assert.Equal("qc-private", (await Api.Get<PrivacyRegimeView>(url, world.Leader)).Regime);
    }
}
