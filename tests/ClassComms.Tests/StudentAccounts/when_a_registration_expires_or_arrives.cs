using System.Net;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Privacy;
using ClassComms.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace ClassComms.Tests.StudentAccounts;

/// <summary>
/// A self-registration is pushed to the teacher of its class only (ids, no name), and one left undecided expires after
/// <see cref="RegisterStudentEndpoint.Lifetime"/>: a durable step scheduled in its transaction destroys the name's key (written to
/// the erasure ledger first, as a refusal does), after which its code is a wrong code and the teacher no longer lists it.
/// </summary>
public sealed class when_a_registration_expires_or_arrives(AppFixture app) : IntegrationTest(app)
{
    private const string Waiting = nameof(INotificationClient.StudentRegistrationWaiting);

    private Task<StudentRegistered> Register(string classCode, string name) =>
        Api.Expect<StudentRegistered>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/student-registrations", new RegisterStudent(classCode, name), null,
            Api.FromNewAddress);

    private Task<ClassRegistrationCodeIssued> ClassCode(Session teacher, Guid classId) =>
        Api.Post<ClassRegistrationCodeIssued>($"/api/classes/{classId}/registration-code", null, teacher);

    private async Task<HttpStatusCode> SignIn(string code) =>
        (await Api.Send(HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(code), null, Api.FromNewAddress)).Status;

    private async Task Expire(Guid schoolId, Guid registrationId)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireStudentRegistration(schoolId, registrationId));
    }

    [Fact]
    public async Task the_teacher_of_the_class_is_pushed_the_registration_and_no_one_else_is()
    {
        var world = await Api.CreateWorld("Ada Student");
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var otherClass = await Api.CreateClass(otherTeacher, "Grade 4");
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var otherApp = await HubClient.Connect(App, otherTeacher);
        await using var leaderApp = await HubClient.Connect(App, world.Leader);
        await using var mumApp = await HubClient.Connect(App, mum);

        var mine = await Register((await ClassCode(world.Teacher, world.ClassId)).Code, "Zephyrine Quillfeather");
        var theirs = await Register((await ClassCode(otherTeacher, otherClass.ClassId)).Code, "Barnaby Thistlewood");

        var notice = await teacherApp.WaitFor<StudentRegistrationNotice>(Waiting, n => n.RegistrationId == mine.RegistrationId);
        Assert.Equal((world.ClassId, mine.RegisteredAt, mine.RegisteredAt + RegisterStudentEndpoint.Lifetime),
            (notice.ClassId, notice.RegisteredAt, notice.ExpiresAt));
        await otherApp.WaitFor<StudentRegistrationNotice>(Waiting, n => n.RegistrationId == theirs.RegistrationId);
        Assert.DoesNotContain(teacherApp.All<StudentRegistrationNotice>(Waiting), n => n.RegistrationId == theirs.RegistrationId);
        Assert.DoesNotContain(otherApp.All<StudentRegistrationNotice>(Waiting), n => n.RegistrationId == mine.RegistrationId);
        Assert.Empty(leaderApp.All<StudentRegistrationNotice>(Waiting));
        Assert.Empty(mumApp.All<StudentRegistrationNotice>(Waiting));

        // The notice points at what the teacher reads: the registration is listed, with its name, for them.
        var listed = Assert.Single(await Api.Get<List<StudentRegistrationView>>($"/api/classes/{world.ClassId}/student-registrations", world.Teacher));
        Assert.Equal((mine.RegistrationId, "Zephyrine Quillfeather"), (listed.RegistrationId, listed.Name));
    }

    [Fact]
    public async Task an_undecided_registration_expires_its_name_is_shredded_and_its_code_no_longer_signs_in()
    {
        var world = await Api.CreateWorld("Ada Student");
        var code = await ClassCode(world.Teacher, world.ClassId);
        var forgotten = await Register(code.Code, "Zephyrine Quillfeather");
        var decidedInTime = await Register(code.Code, "Barnaby Thistlewood");
        Assert.Equal(1, await ScheduledExpiries(forgotten.RegistrationId));
        Assert.Equal(1, await ScheduledExpiries(decidedInTime.RegistrationId));
        await Api.Post<StudentRegistrationView>($"/api/student-registrations/{decidedInTime.RegistrationId}/approval", new ApproveStudentRegistration(null), world.Teacher, HttpStatusCode.OK);
        StudentRegistration stored;
        await using (var query = Store.QuerySession())
        {
            stored = (await query.LoadAsync<StudentRegistration>(forgotten.RegistrationId))!;
        }

        Assert.Equal(forgotten.RegisteredAt + RegisterStudentEndpoint.Lifetime, stored.ExpiresAt);
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();

        // Delivered early (a clock that disagrees): nothing changes.
        await Expire(world.SchoolId, forgotten.RegistrationId);
        Assert.Equal(HttpStatusCode.Forbidden, await SignIn(forgotten.Code));
        Assert.Equal("Zephyrine Quillfeather", await vault.UnsealAsync(stored.Name));

        // What the durable schedule delivers when the lifetime has passed (invoked now instead of waiting), twice.
        Clock.Advance(RegisterStudentEndpoint.Lifetime + TimeSpan.FromMinutes(1));
        await Expire(world.SchoolId, forgotten.RegistrationId);
        await Expire(world.SchoolId, forgotten.RegistrationId);
        await Expire(world.SchoolId, decidedInTime.RegistrationId);

        await using (var query = Store.QuerySession())
        {
            var expired = (await query.LoadAsync<StudentRegistration>(forgotten.RegistrationId))!;
            Assert.Equal((StudentRegistration.Expired, (Guid?)null), (expired.State, expired.DecidedBy));
            Assert.Null(await vault.UnsealAsync(expired.Name));
            Assert.Equal(StudentRegistration.Approved, (await query.LoadAsync<StudentRegistration>(decidedInTime.RegistrationId))!.State);
        }

        var ledger = Host.Services.GetRequiredService<ErasureLedger>();
        var entry = Assert.Single(await ledger.ReadAsync(world.SchoolId, CancellationToken.None));
        Assert.Equal((stored.StudentId, SubjectKinds.RegistrationKey), (entry.SubjectId, entry.SubjectKind));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(forgotten.Code));
        Assert.Equal(HttpStatusCode.OK, await SignIn(decidedInTime.Code));
        Assert.Empty(await Api.Get<List<StudentRegistrationView>>($"/api/classes/{world.ClassId}/student-registrations", world.Teacher));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/student-registrations/{forgotten.RegistrationId}/approval", new ApproveStudentRegistration(null), world.Teacher);
    }

    private static async Task<long> ScheduledExpiries(Guid registrationId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        var schema = (string)(await find.ExecuteScalarAsync())!;
        await using var count = new NpgsqlCommand(
            $"select count(*) from {schema}.wolverine_incoming_envelopes where message_type like '%ExpireStudentRegistration%' and status = 'Scheduled' " +
            "and encode(body, 'escape') like '%' || @id || '%'", connection);
        count.Parameters.AddWithValue("id", registrationId.ToString());
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
