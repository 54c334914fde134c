using System.Net;
using ClassComms.PersonalData;
using ClassComms.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.StudentAccounts;

public sealed class when_students_register_with_a_class_code(AppFixture app) : IntegrationTest(app)
{
    private const string TypedName = "Zephyrine Quillfeather";

    private Task<StudentRegistered> Register(string classCode, string name) =>
        Api.Expect<StudentRegistered>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/student-registrations", new RegisterStudent(classCode, name), null,
            Api.FromNewAddress);

    private Task<ClassRegistrationCodeIssued> ClassCode(Session teacher, Guid classId) =>
        Api.Post<ClassRegistrationCodeIssued>($"/api/classes/{classId}/registration-code", null, teacher);

    private async Task<HttpStatusCode> SignIn(string code) =>
        (await Api.Send(HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(code), null, Api.FromNewAddress)).Status;

    private async Task<long> RowCountAsync()
    {
        await using var query = Store.QuerySession();
        return await query.Query<StudentRegistration>().CountAsync() + await query.Query<ClassRegistrationCode>().CountAsync();
    }

    [Fact]
    public async Task a_registration_waits_for_the_teacher_sees_nothing_meanwhile_and_once_approved_signs_in_to_its_own_record_only()
    {
        var world = await Api.CreateWorld("Ada Student");
        var code = await ClassCode(world.Teacher, world.ClassId);
        var registered = await Register(code.Code.ToLowerInvariant().Replace("-", " "), TypedName); // typed loosely
        Assert.Equal(StudentRegistration.Pending, registered.State);

        // Pending: the code gives no session at all.
        Assert.Equal(HttpStatusCode.Forbidden, await SignIn(registered.Code));
        var pending = await Api.Get<List<StudentRegistrationView>>($"/api/classes/{world.ClassId}/student-registrations", world.Teacher);
        Assert.Equal(TypedName, Assert.Single(pending).Name);

        // Nowhere in plain text: database (documents, events, Wolverine tables) — the name, nor the codes.
        var dump = await DatabaseDump.TakeAsync();
        foreach (var secret in new[] { TypedName, "Quillfeather", registered.Code, code.Code }) Assert.DoesNotContain(secret, dump);

        var approved = await Api.Post<StudentRegistrationView>($"/api/student-registrations/{registered.RegistrationId}/approval",
            new ApproveStudentRegistration(null), world.Teacher, HttpStatusCode.OK);
        Assert.Equal(StudentRegistration.Approved, approved.State);
        var studentId = approved.StudentId!.Value;
        Assert.Contains(studentId, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.StudentId));
        Assert.Equal(TypedName, (await Api.GetStudent(world.Teacher, studentId)).Name);

        var student = await Api.StudentLogin(registered.Code);
        Assert.Equal(studentId, student.StudentId);
        Assert.Equal(TypedName, (await Api.GetStudent(student, studentId)).Name);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[0]}", null, student);
        Assert.Empty(await Api.Get<List<StudentRegistrationView>>($"/api/classes/{world.ClassId}/student-registrations", world.Teacher));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/student-registrations/{registered.RegistrationId}/refusal", null, world.Teacher);
    }

    [Fact]
    public async Task the_teacher_matches_a_registration_to_an_enrolled_student_or_refuses_one_whose_name_then_no_longer_opens()
    {
        var world = await Api.CreateWorld("Ada Student", "Ben Student");
        var code = await ClassCode(world.Teacher, world.ClassId);
        var ada = await Register(code.Code, "Ada");
        var stranger = await Register(code.Code, TypedName);

        var matched = await Api.Post<StudentRegistrationView>($"/api/student-registrations/{ada.RegistrationId}/approval",
            new ApproveStudentRegistration(world.Students[0]), world.Teacher, HttpStatusCode.OK);
        Assert.Equal(world.Students[0], matched.StudentId);
        Assert.Equal(world.Students[0], (await Api.StudentLogin(ada.Code)).StudentId);
        Assert.Equal(2, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Count); // matched: nobody new enrolled

        var refused = await Api.Post<StudentRegistrationView>($"/api/student-registrations/{stranger.RegistrationId}/refusal", null, world.Teacher,
            HttpStatusCode.OK);
        Assert.Equal(StudentRegistration.Refused, refused.State);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(stranger.Code));
        await using var query = Store.QuerySession();
        var stored = await query.LoadAsync<StudentRegistration>(stranger.RegistrationId);
        Assert.Null(await Host.Services.GetRequiredService<PersonalDataVault>().UnsealAsync(stored!.Name)); // its key is destroyed
    }

    [Fact]
    public async Task only_a_teacher_of_the_class_issues_the_code_and_decides_and_a_rotated_or_stopped_code_registers_nobody()
    {
        var world = await Api.CreateWorld();
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var other = await Api.CreateClass(otherTeacher, "Grade 6");
        var otherSchool = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var code = await ClassCode(world.Teacher, world.ClassId);
        var registered = await Register(code.Code, TypedName);
        var before = await RowCountAsync();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/classes/{world.ClassId}/registration-code", null, otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/classes/{world.ClassId}/registration-code", null, otherSchool.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/classes/{world.ClassId}/registration-code", null, mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/classes/{world.ClassId}/student-registrations", null, otherTeacher);
        foreach (var who in new[] { otherTeacher, otherSchool.Teacher, otherSchool.Leader, mum })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/student-registrations/{registered.RegistrationId}/approval",
                new ApproveStudentRegistration(null), who);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/student-registrations/{registered.RegistrationId}/refusal", null, who);
        }

        var otherStudent = (await Api.Enrol(otherTeacher, other.ClassId, "Olive Other"))[0];
        var badStudent = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/student-registrations/{registered.RegistrationId}/approval",
            new ApproveStudentRegistration(otherStudent), world.Teacher);
        Assert.Contains("studentId", badStudent.Errors!.Keys);
        Assert.Equal(before, await RowCountAsync());
        Assert.Equal(HttpStatusCode.Forbidden, await SignIn(registered.Code)); // still pending

        // A leader may decide; a rotated code stops the old one; a stopped code registers nobody.
        await Api.Post<StudentRegistrationView>($"/api/student-registrations/{registered.RegistrationId}/refusal", null, world.Leader, HttpStatusCode.OK);
        var rotated = await ClassCode(world.Teacher, world.ClassId);
        Assert.Contains("classCode", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations",
            new RegisterStudent(code.Code, "Late"), null, Api.FromNewAddress)).Errors!.Keys);
        await Register(rotated.Code, "On time");
        await Api.Delete($"/api/classes/{world.ClassId}/registration-code", world.Teacher);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations", new RegisterStudent(rotated.Code, "Too late"), null,
            Api.FromNewAddress);
    }

    [Fact]
    public async Task bad_input_names_the_field_wrong_codes_are_throttled_and_no_4xx_stores_anything()
    {
        var world = await Api.CreateWorld();
        var code = await ClassCode(world.Teacher, world.ClassId);
        var before = await RowCountAsync();

        Assert.Contains("name", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations",
            new RegisterStudent(code.Code, " "), null, Api.FromNewAddress)).Errors!.Keys);
        Assert.Contains("name", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations",
            new RegisterStudent(code.Code, new string('x', RegisterStudentEndpoint.MaxName + 1)), null, Api.FromNewAddress)).Errors!.Keys);
        var missing = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations", new RegisterStudent(null!, TypedName), null,
            Api.FromNewAddress);
        Assert.Contains("classCode", missing.Errors!.Keys);
        Assert.DoesNotContain(TypedName, System.Text.Json.JsonSerializer.Serialize(missing));

        // The same wrong code, again and again (from new addresses): after AppFixture.LoginAttemptsPerAccount tries, 429.
        for (var i = 0; i < AppFixture.LoginAttemptsPerAccount; i++)
        {
            await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/student-registrations", new RegisterStudent("ZZZZ-ZZZZ", TypedName), null,
                Api.FromNewAddress);
        }

        await Api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/student-registrations", new RegisterStudent("ZZZZ-ZZZZ", TypedName), null,
            Api.FromNewAddress);
        Assert.Equal(before, await RowCountAsync());
    }
}
