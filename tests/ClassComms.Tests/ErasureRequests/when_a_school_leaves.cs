using System.Net;
using System.Text;
using Alba;
using ClassComms.Accounts;
using ClassComms.ErasureRequests;
using ClassComms.Media;
using ClassComms.Privacy;
using ClassComms.Schools;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_a_school_leaves(AppFixture app) : IntegrationTest(app)
{
    private const string StudentName = "Ignatius Thistlewood";
    private const string GuardianText = "Ignatius will be late on Monday";
    private const string OtherText = "The other school's message stays";

    private static void AsOperator(Scenario s) => s.WithRequestHeader(CreateSchoolEndpoint.OperatorKeyHeader, AppFixture.OperatorKey);

    [Fact]
    public async Task its_dpo_asks_and_approves_every_person_media_and_the_schools_text_are_erased_with_a_certificate_and_another_school_is_untouched()
    {
        var world = await Api.CreateWorld(StudentName, "Ben Student");
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0], "Gwendolyn Thistlewood");
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "Ignatius shared his lunch");
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var pdf = await Api.UploadOk(guardian, thread.ConversationId, Files.Pdf(), "ignatius-note.pdf", "application/pdf");
        await Api.Reply(guardian, thread.ConversationId, GuardianText, [pdf.AttachmentId]);
        var classCode = await Api.Post<ClassComms.StudentAccounts.ClassRegistrationCodeIssued>($"/api/classes/{world.ClassId}/registration-code", null, world.Teacher);
        var pending = await Api.Expect<ClassComms.StudentAccounts.StudentRegistered>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/student-registrations",
            new ClassComms.StudentAccounts.RegisterStudent(classCode.Code, "Ignatius's cousin"), null, Support.Api.FromNewAddress);
        var pem = await Api.PublicKeyPem(world.Dpo);
        var other = await Api.CreateWorld("Olive Other");
        var otherGuardian = await Api.GuardianOf(other.Teacher, other.Students[0], "Otto Other");
        var otherThread = (await Api.StartConversation(other.Teacher, other.Students[0], OtherText)).Threads[0];
        MediaObject stored;
        await using (var query = Store.QuerySession(world.SchoolId.ToString()))
        {
            stored = (await query.LoadAsync<MediaObject>(pdf.AttachmentId))!;
        }

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/erasure-requests/school", new RequestErasure(null), world.Leader);
        var request = await Api.Post<ErasureRequestView>("/api/erasure-requests/school", new RequestErasure("We are merging with another board"), world.Dpo);
        Assert.Equal(SubjectKinds.School, request.SubjectKind);
        Assert.Contains(await Api.Get<List<DueRequest>>("/api/dpo/requests", world.Dpo), d => d.RequestId == request.RequestId);
        await Api.Approve(world.Dpo, request.RequestId);

        var file = await CertificateAsync(world.SchoolId, request.RequestId);
        Assert.Null(ErasureCertificateFile.Verify(file, pem));
        var certificate = ErasureRequestScenarios.CertificateOf(file);
        Assert.Equal(SubjectKinds.School, certificate.SubjectKind);
        Assert.Equal(world.SchoolId, certificate.SubjectId);
        Assert.Equal(new CertificateParty(world.Dpo.UserId, "dpo"), certificate.ApprovedBy);
        Assert.Equal(world.Students.Order(), certificate.Erased.Single(e => e.Kind == "students").Ids.Order());
        Assert.Equal(new[] { guardian.UserId }, certificate.Erased.Single(e => e.Kind == "guardians").Ids);
        Assert.Equal(3, certificate.Erased.Single(e => e.Kind == "staff").Count); // leader, teacher, DPO
        Assert.Equal(1, certificate.Erased.Single(e => e.Kind == "mediaBlobs").Count);
        var text = Encoding.UTF8.GetString(file);
        foreach (var personal in new[] { StudentName, "Thistlewood", guardian.Email, world.Teacher.Email, GuardianText, "merging" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
        }

        // Every person: no wrapped key left, no sign-in; the school's own key is gone; the media blob is deleted.
        Assert.Equal(0L, await WrappedKeysAsync([.. world.Students, guardian.UserId, guardian.LoginId, world.Teacher.UserId, world.Teacher.LoginId,
            world.Dpo.UserId, world.Leader.UserId, world.SchoolId]));
        foreach (var person in new[] { guardian, world.Teacher, world.Dpo, world.Leader })
        {
            await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(person.Email, Support.Api.Password), null);
        }

        Assert.False(await Host.Services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>()
            .GetBlobContainerClient(MediaStore.Container).GetBlobClient(stored.BlobName).ExistsAsync());

        // A student's registration still waiting: its typed name no longer opens, and the class code registers nobody.
        await using (var query = Store.QuerySession())
        {
            var registration = await query.LoadAsync<ClassComms.StudentAccounts.StudentRegistration>(pending.RegistrationId);
            Assert.Null(await Host.Services.GetRequiredService<ClassComms.PersonalData.PersonalDataVault>().UnsealAsync(registration!.Name));
        }

        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations", new ClassComms.StudentAccounts.RegisterStudent(classCode.Code, "Late"),
            null, Support.Api.FromNewAddress);

        // Another school: untouched.
        Assert.Equal("Olive Other", (await Api.GetStudent(other.Teacher, other.Students[0])).Name);
        Assert.Equal(OtherText, Assert.Single((await Api.Thread(await Api.SignInAgain(otherGuardian), otherThread.ConversationId)).Messages).Text);
    }

    [Fact]
    public async Task the_platform_operator_erases_a_school_at_once_and_only_with_its_key()
    {
        var world = await Api.CreateWorld();
        var pem = await Api.PublicKeyPem(world.Dpo);
        var events = await ErasureRequestScenarios.EventCount(Store);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Post, $"/api/schools/{world.SchoolId}/erasure", null, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Post, $"/api/schools/{world.SchoolId}/erasure", null, world.Dpo)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Send(HttpMethod.Post, $"/api/schools/{Guid.CreateVersion7()}/erasure", null, null, AsOperator)).Status);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));

        var accepted = await Api.Expect<SchoolErasureAccepted>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/schools/{world.SchoolId}/erasure", null, null,
            AsOperator);

        var certificate = ErasureRequestScenarios.CertificateOf(await CertificateAsync(world.SchoolId, accepted.RequestId));
        Assert.Equal(RequestSchoolErasureEndpoint.Operator, certificate.ApprovedBy.Role);
        Assert.Equal(RequestSchoolErasureEndpoint.Operator, certificate.RequestedBy.Role);
        Assert.Equal(3, certificate.Erased.Single(e => e.Kind == "students").Count);
        Assert.Null(ErasureCertificateFile.Verify(await CertificateAsync(world.SchoolId, accepted.RequestId), pem));
    }

    /// <summary>The operator follows the certificate until it exists (a wait for the background erasure, not a timing assertion).</summary>
    private async Task<byte[]> CertificateAsync(Guid schoolId, Guid requestId)
    {
        for (var i = 0; i < 900; i++)
        {
            var (status, body, _) = await Api.Send(HttpMethod.Get, $"/api/schools/{schoolId}/erasure-certificates/{requestId}", null, null, AsOperator);
            if (status == HttpStatusCode.OK) return Encoding.UTF8.GetBytes(body);
            Assert.Equal(HttpStatusCode.NotFound, status);
            await Task.Delay(100);
        }

        Assert.Fail("The school's certificate was never issued.");
        return [];
    }

    private static async Task<long> WrappedKeysAsync(IReadOnlyList<Guid> subjects)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from personal_data.subject_keys where subject_id = any(@ids) and wrapped_key is not null",
            connection);
        command.Parameters.AddWithValue("ids", subjects.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
