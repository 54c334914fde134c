using System.Net;
using System.Text;
using Alba;
using ClassComms.ErasureRequests;
using ClassComms.Privacy;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_issuing_an_erasure_certificate(AppFixture app) : IntegrationTest(app)
{
    private const string StudentName = "Philippa Quarrington";
    private const string GuardianName = "Octavia Quarrington";
    private const string RequestNote = "Philippa is moving abroad, please remove her";
    private const string PointNote = "Philippa read aloud beautifully";
    private const string MessageText = "Philippa had a nosebleed at recess";
    private const string GuardianText = "Octavia here: thanks for letting me know";

    private static string Database => AppFixture.Required("ConnectionStrings__Marten");

    [Fact]
    public async Task the_certificate_says_what_was_erased_and_kept_verifies_offline_and_holds_no_personal_data_of_the_subject()
    {
        var (world, guardian, request) = await ApprovedStudentErasureAsync();
        var done = await Api.Certified(world.Dpo, request.RequestId);
        var file = await Api.CertificateFile(world.Dpo, request.RequestId);
        var pem = await Api.PublicKeyPem(world.Dpo);

        var certificate = ErasureRequestScenarios.CertificateOf(file);
        Assert.Equal(ErasureCertificate.FormatName, certificate.Format);
        Assert.Equal(request.RequestId, certificate.RequestId);
        Assert.Equal(world.Students[0], certificate.SubjectId);
        Assert.Equal(SubjectKinds.Student, certificate.SubjectKind);
        Assert.Equal(new CertificateParty(guardian.UserId, "guardian"), certificate.RequestedBy);
        Assert.Equal(new CertificateParty(world.Dpo.UserId, "dpo"), certificate.ApprovedBy);
        Assert.True(certificate.DeadlineMet);
        Assert.Equal(request.DueAt, certificate.DueAt);
        Assert.Equal([world.Students[0]], certificate.Erased.Single(e => e.Kind == "subjectKeys").Ids);
        Assert.Equal(1, certificate.Erased.Single(e => e.Kind == "mediaBlobs").Count);
        Assert.True(certificate.Erased.Single(e => e.Kind == "studentRecordEvents").Count >= 2);
        Assert.Contains(certificate.Kept, k => k.Kind == "erasureLedgerEntry" && k.Basis == "legalObligation");
        Assert.Contains(certificate.Kept, k => k.Kind == "classStatistics" && k.Basis == "notPersonalData");
        Assert.Equal(done.CertificateIssuedAt, (await Api.ErasureRequest(world.Dpo, request.RequestId)).CertificateIssuedAt);

        Assert.Null(ErasureCertificateFile.Verify(file, pem));
        var text = Encoding.UTF8.GetString(file);
        foreach (var personal in new[] { StudentName, "Philippa", "Quarrington", GuardianName, guardian.Email, RequestNote, PointNote, MessageText, GuardianText })
        {
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task a_changed_certificate_or_another_schools_key_does_not_verify_and_the_command_line_says_so()
    {
        var (world, _, request) = await ApprovedStudentErasureAsync();
        await Api.Certified(world.Dpo, request.RequestId);
        var file = await Api.CertificateFile(world.Dpo, request.RequestId);
        var pem = await Api.PublicKeyPem(world.Dpo);
        var otherPem = await Api.PublicKeyPem((await Api.CreateWorld()).Dpo);
        var changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(file).Replace("\"deadlineMet\":true", "\"deadlineMet\":false"));
        Assert.NotEqual(file, changed);

        Assert.NotNull(ErasureCertificateFile.Verify(changed, pem));
        Assert.NotNull(ErasureCertificateFile.Verify(file, otherPem));
        Assert.NotNull(ErasureCertificateFile.Verify("not json"u8.ToArray(), pem));

        var dir = Directory.CreateTempSubdirectory("classcomms-certificate-");
        try
        {
            var (certificatePath, changedPath, keyPath, otherKeyPath) = (Path.Combine(dir.FullName, "certificate.json"),
                Path.Combine(dir.FullName, "changed.json"), Path.Combine(dir.FullName, "school.pem"), Path.Combine(dir.FullName, "other.pem"));
            await File.WriteAllBytesAsync(certificatePath, file);
            await File.WriteAllBytesAsync(changedPath, changed);
            await File.WriteAllTextAsync(keyPath, pem);
            await File.WriteAllTextAsync(otherKeyPath, otherPem);

            var (ok, output) = await ApiProcess.RunAsync(Database, null, "verify-certificate", certificatePath, "--public-key", keyPath);
            Assert.True(ok == 0, $"verify-certificate exited with {ok}: {output}");
            Assert.Contains("OK", output);
            var (tampered, tamperedOutput) = await ApiProcess.RunAsync(Database, null, "verify-certificate", changedPath, "--public-key", keyPath);
            Assert.True(tampered != 0, $"a changed certificate verified: {tamperedOutput}");
            var (wrongKey, _) = await ApiProcess.RunAsync(Database, null, "verify-certificate", certificatePath, "--public-key", otherKeyPath);
            Assert.NotEqual(0, wrongKey);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task a_guardians_certificate_names_their_membership_and_login_keys_and_not_their_email()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0], GuardianName);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await Api.Reply(guardian, thread.ConversationId, GuardianText);
        var request = await Api.RequestGuardianErasure(guardian, guardian.UserId);
        await Api.Approve(world.Dpo, request.RequestId);

        await Api.Certified(world.Dpo, request.RequestId);
        var file = await Api.CertificateFile(world.Dpo, request.RequestId);

        var certificate = ErasureRequestScenarios.CertificateOf(file);
        Assert.Equal(SubjectKinds.Guardian, certificate.SubjectKind);
        Assert.Equal(new[] { guardian.UserId, guardian.LoginId }.Order(), certificate.Erased.Single(e => e.Kind == "subjectKeys").Ids.Order());
        Assert.Equal(1, certificate.Erased.Single(e => e.Kind == "guardianLinks").Count);
        Assert.Equal(1, certificate.Erased.Single(e => e.Kind == "login").Count);
        Assert.Contains(certificate.Kept, k => k.Kind == "othersMessages");
        Assert.Null(ErasureCertificateFile.Verify(file, await Api.PublicKeyPem(world.Dpo)));
        var text = Encoding.UTF8.GetString(file);
        foreach (var personal in new[] { GuardianName, guardian.Email, GuardianText })
        {
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task only_the_dpo_reads_a_certificate_and_none_exists_before_the_erasure_completes()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(mum, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}/certificate", null, world.Dpo);
        await Api.Approve(world.Dpo, request.RequestId);
        await Api.Certified(world.Dpo, request.RequestId);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}/certificate", null, mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}/certificate", null,
            (await Api.CreateWorld()).Dpo);
    }

    [Fact]
    public async Task the_certificate_is_still_served_and_verifies_after_a_restore_of_a_backup_taken_before_the_erasure()
    {
        var world = await Api.CreateWorld(StudentName, "Ben Student");
        var pem = await Api.PublicKeyPem(world.Dpo); // the school's signing key exists before the backup
        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);
        var request = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);
        await Api.Approve(world.Dpo, request.RequestId);
        await Api.Certified(world.Dpo, request.RequestId);
        var before = await Api.CertificateFile(world.Dpo, request.RequestId);

        var database = "classcomms_tests_restore_certificate";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(backup, database);
        try
        {
            await using var host = await AppFixture.StartHostAsync(restored);
            await host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });
            var api = new Api(host);

            // The ledger made the restored host erase the student again; the certificate lives beside the ledger.
            Assert.True((await api.GetStudent(world.Teacher, world.Students[0])).Erased);
            var after = await api.CertificateFile(world.Dpo, request.RequestId);
            Assert.Equal(before, after);
            Assert.Null(ErasureCertificateFile.Verify(after, await api.PublicKeyPem(world.Dpo)));
            Assert.Null(ErasureCertificateFile.Verify(after, pem));
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(backup);
        }
    }

    private async Task<(World World, Session Guardian, ErasureRequestView Request)> ApprovedStudentErasureAsync()
    {
        var world = await Api.CreateWorld(StudentName, "Ben Student");
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0], GuardianName);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], PointNote);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], MessageText)).Threads[0];
        var pdf = await Api.UploadOk(world.Teacher, thread.ConversationId, Files.Pdf(), "philippa-report.pdf", "application/pdf");
        await Api.Reply(world.Teacher, thread.ConversationId, "Report attached", [pdf.AttachmentId]);
        await Api.Reply(guardian, thread.ConversationId, GuardianText);
        var request = await Api.RequestStudentErasure(guardian, world.Students[0], RequestNote);
        await Api.Approve(world.Dpo, request.RequestId);
        return (world, guardian, request);
    }
}
