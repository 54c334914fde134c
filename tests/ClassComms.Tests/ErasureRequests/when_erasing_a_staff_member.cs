using System.Net;
using System.Text;
using ClassComms.Accounts;
using ClassComms.ErasureRequests;
using ClassComms.Privacy;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_erasing_a_staff_member(AppFixture app) : IntegrationTest(app)
{
    private const string TeacherName = "Bartholomew Fennimore";
    private const string PointNote = "Ada helped tidy the library";
    private const string TeacherText = "Bartholomew here: Ada's trip form is missing";
    private const string GuardianText = "Sorry, I will send it tomorrow";

    [Fact]
    public async Task their_login_and_writing_are_erased_the_points_they_awarded_stay_and_the_certificate_says_so()
    {
        var world = await Api.CreateWorld();
        var teacher = await Api.CreateStaff(world.Leader, "teacher", TeacherName);
        var created = await Api.CreateClass(teacher, "Grade 5");
        var ada = (await Api.Enrol(teacher, created.ClassId, "Ada Student"))[0];
        var mum = await Api.GuardianOf(teacher, ada, "Mum");
        await Api.Award(teacher, created.ClassId, created.Skills.First(s => s.Positive).Id, [ada], PointNote);
        var thread = (await Api.StartConversation(teacher, ada, TeacherText)).Threads[0];
        await Api.Reply(mum, thread.ConversationId, GuardianText);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/staff/{teacher.UserId}", new RequestErasure(null), mum);
        var request = await Api.RequestStaffErasure(teacher, teacher.UserId, "I am leaving the school");
        Assert.Equal(SubjectKinds.Staff, request.SubjectKind);
        await Api.Approve(world.Dpo, request.RequestId);
        await Api.Certified(world.Dpo, request.RequestId);

        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(teacher.Email, Support.Api.Password), null);
        var history = await Api.GetHistory(world.Leader, ada);
        Assert.Equal(PointNote, Assert.Single(history.Points).Note); // the school's record of the student stays
        var seenByMum = await Api.Thread(mum, thread.ConversationId);
        var fromTeacher = seenByMum.Messages.Single(m => m.SenderId == teacher.UserId);
        Assert.True(fromTeacher.SenderErased);
        Assert.Null(fromTeacher.Text);
        Assert.Equal(GuardianText, seenByMum.Messages.Single(m => m.SenderId == mum.UserId).Text);

        var file = await Api.CertificateFile(world.Dpo, request.RequestId);
        var certificate = ErasureRequestScenarios.CertificateOf(file);
        Assert.Equal(SubjectKinds.Staff, certificate.SubjectKind);
        Assert.Equal(new CertificateParty(teacher.UserId, "teacher"), certificate.RequestedBy);
        Assert.Equal(new[] { teacher.UserId, teacher.LoginId }.Order(), certificate.Erased.Single(e => e.Kind == "subjectKeys").Ids.Order());
        Assert.Equal(1, certificate.Erased.Single(e => e.Kind == "messagesWritten").Count);
        Assert.Contains(certificate.Kept, k => k.Kind == "pointsAwarded" && k.Basis == "schoolRecord");
        Assert.Null(ErasureCertificateFile.Verify(file, await Api.PublicKeyPem(world.Dpo)));
        var text = Encoding.UTF8.GetString(file);
        foreach (var personal in new[] { TeacherName, "Bartholomew", teacher.Email, TeacherText, "I am leaving the school" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task a_leader_asks_for_a_teachers_erasure_and_a_guardian_or_another_school_cannot()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/staff/{world.Teacher.UserId}", new RequestErasure(null), other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/staff/{mum.UserId}", new RequestErasure(null), world.Dpo);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));

        var request = await Api.RequestStaffErasure(world.Leader, world.Teacher.UserId);
        Assert.Equal("leader", request.RequesterRole);
    }
}
