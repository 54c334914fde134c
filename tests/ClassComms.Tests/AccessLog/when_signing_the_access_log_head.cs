using System.Net;
using System.Text.Json;
using ClassComms.AccessLog;
using ClassComms.Dpo;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.AccessLog;

/// <summary>
/// The verification signs its head with the school's ES256 key; a saved signed head is checked offline (its signature) and against the
/// current log (entry n still has the signed hash), so a log rewritten up to n and re-chained consistently is detected.
/// </summary>
public sealed class when_signing_the_access_log_head(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_verification_signs_entry_number_head_hash_school_and_time_and_a_tampered_head_is_refused()
    {
        var world = await Api.CreateWorld("Ada");
        var other = await Api.CreateWorld("Mo");
        for (var i = 0; i < 3; i++) await Api.GetHistory(world.Teacher, world.Students[0]);

        var verification = await Api.VerifyAccessLog(world.Dpo);
        var signed = verification.SignedHead!;
        Assert.Equal((world.SchoolId, 3L, verification.HeadHash), (signed.Head.SchoolId, signed.Head.Seq, signed.Head.Hash));
        Assert.InRange(signed.Head.At, Clock.GetUtcNow().AddMinutes(-1), Clock.GetUtcNow());
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Dpo);
        var otherKey = await Api.Get<SigningKeyView>("/api/school/signing-key", other.Dpo);

        Assert.True(signed.Verify(key.PublicKeyPem));
        Assert.False(signed.Verify(otherKey.PublicKeyPem));
        Assert.False((signed with { Head = signed.Head with { Seq = 2 } }).Verify(key.PublicKeyPem));
        Assert.False((signed with { Head = signed.Head with { Hash = new string('0', 64) } }).Verify(key.PublicKeyPem));
        Assert.False((signed with { Head = signed.Head with { SchoolId = other.SchoolId } }).Verify(key.PublicKeyPem));
        Assert.False((signed with { Head = signed.Head with { At = signed.Head.At.AddSeconds(1) } }).Verify(key.PublicKeyPem));
        var bytes = Convert.FromBase64String(signed.Signature.Signature);
        bytes[10] ^= 1;
        Assert.False((signed with { Signature = signed.Signature with { Signature = Convert.ToBase64String(bytes) } }).Verify(key.PublicKeyPem));

        // Through the API: the saved head as it is is contained; a tampered one is refused as unsigned.
        Assert.Equal("contained", (await Api.CheckHead(world.Dpo, signed)).Outcome);
        var forged = await Api.CheckHead(world.Dpo, signed with { Head = signed.Head with { Hash = new string('a', 64) } });
        Assert.Equal(("badSignature", false), (forged.Outcome, forged.SignatureValid));
        Assert.Equal("badSignature", (await Api.CheckHead(other.Dpo, signed)).Outcome); // another school's key does not vouch for it

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/dpo/access-log/verification/head",
            new { head = new { schoolId = world.SchoolId, seq = 0, hash = "xyz" } }, world.Dpo);
        Assert.Equal(["head.hash", "head.seq", "signature"], problem.Errors!.Keys.Order());
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/dpo/access-log/verification/head", signed, world.Leader);
    }

    [Fact]
    public async Task a_log_rewritten_and_rechained_before_the_signed_entry_is_detected()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        for (var i = 0; i < 5; i++) await Api.GetHistory(world.Teacher, world.Students[i % 2]);
        var saved = (await Api.VerifyAccessLog(world.Dpo)).SignedHead!;
        Assert.Equal(5, saved.Head.Seq);
        await Api.GetStudent(world.Leader, world.Students[0]); // the log grows after the head: still contained
        Assert.Equal("contained", (await Api.CheckHead(world.Dpo, saved)).Outcome);

        // The attacker changes who read entry 2 and re-chains every later hash: the chain alone verifies again...
        Assert.Equal(1, await AccessLogScenarios.TamperAsync(App,
            "update classcomms.access_log set reader_id = gen_random_uuid() where school_id = $1 and seq = $2", world.SchoolId, 2));
        Assert.False((await Api.VerifyAccessLog(world.Dpo)).Intact);
        Assert.Equal(6, await AccessLogScenarios.RechainAsync(App, world.SchoolId));
        var rechained = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(rechained.Intact, rechained.Problem);

        // ...but entry 5 no longer has the hash the school signed.
        var check = await Api.CheckHead(world.Dpo, saved);
        Assert.Equal(("rewritten", true), (check.Outcome, check.SignatureValid));
        Assert.Contains("entry 5", check.Problem);

        // The log cut short before the signed entry: missing.
        await AccessLogScenarios.TamperAsync(App, "delete from classcomms.access_log where school_id = $1 and seq >= $2", world.SchoolId, 4);
        Assert.Equal("missing", (await Api.CheckHead(world.Dpo, saved)).Outcome);
    }

    [Fact]
    public async Task the_commands_check_a_saved_head_offline_and_against_the_database()
    {
        var world = await Api.CreateWorld("Ada");
        for (var i = 0; i < 3; i++) await Api.GetHistory(world.Teacher, world.Students[0]);
        var saved = (await Api.VerifyAccessLog(world.Dpo)).SignedHead!;
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Dpo);
        var dir = Directory.CreateTempSubdirectory("access-log-head");
        var (headFile, forgedFile, pem) = (Path.Combine(dir.FullName, "head.json"), Path.Combine(dir.FullName, "forged.json"), Path.Combine(dir.FullName, "key.pem"));
        await File.WriteAllTextAsync(headFile, JsonSerializer.Serialize(saved, SignedAccessLogHead.Json));
        await File.WriteAllTextAsync(forgedFile, JsonSerializer.Serialize(saved with { Head = saved.Head with { Seq = 2 } }, SignedAccessLogHead.Json));
        await File.WriteAllTextAsync(pem, key.PublicKeyPem);
        var connection = AppFixture.Required("ConnectionStrings__Marten");

        var (ok, output) = await ApiProcess.RunAsync(connection, null, "verify-access-log-head", headFile, "--public-key", pem);
        Assert.True(ok == 0, output);
        Assert.Contains($"valid: school {world.SchoolId}, entry 3, hash {saved.Head.Hash}", output);
        var (forged, forgedOutput) = await ApiProcess.RunAsync(connection, null, "verify-access-log-head", forgedFile, "--public-key", pem);
        Assert.NotEqual(0, forged);
        Assert.Contains("INVALID", forgedOutput);

        var (contained, report) = await ApiProcess.RunAsync(connection, null, "verify-access-log", "--head", headFile, "--public-key", pem);
        Assert.True(contained == 0, report);
        Assert.Contains("entry 3 still has the signed hash", report);
        await AccessLogScenarios.TamperAsync(App, "update classcomms.access_log set reader_role = 'dpo' where school_id = $1 and seq = $2", world.SchoolId, 1);
        await AccessLogScenarios.RechainAsync(App, world.SchoolId);
        var (rewritten, rewrittenReport) = await ApiProcess.RunAsync(connection, null, "verify-access-log", "--head", headFile);
        Assert.NotEqual(0, rewritten);
        Assert.Contains("REWRITTEN", rewrittenReport);
    }
}
