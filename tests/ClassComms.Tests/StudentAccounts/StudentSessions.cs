using System.Net;
using ClassComms.Accounts;
using ClassComms.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.StudentAccounts;

/// <summary>Scenario helpers for student accounts, through the API: class login codes, a guardian's code, code sign-in.</summary>
public static class StudentSessions
{
    public static async Task<IReadOnlyList<StudentLoginIssued>> IssueClassCodes(this Api api, Session teacher, Guid classId,
        IReadOnlyList<Guid>? studentIds = null) =>
        (await api.Post<ClassLoginCodesIssued>($"/api/classes/{classId}/student-logins", new IssueClassLoginCodes(studentIds), teacher)).Codes;

    /// <summary>Signs a student in with a login code (200), from a fresh client address.</summary>
    public static async Task<Session> StudentLogin(this Api api, string code)
    {
        var login = await api.Expect<LoginSucceeded>(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(code), null,
            Api.FromNewAddress);
        Assert.Equal("student", login.Role);
        return new Session(login.Token, login.UserId, login.SchoolId, login.Role, "", "", login.LoginId, login.RefreshToken)
        {
            StudentId = login.StudentId,
        };
    }

    /// <summary>The class teacher issues the student's code and the student signs in with it.</summary>
    public static async Task<Session> StudentAccount(this Api api, World world, int index) =>
        await api.StudentLogin((await api.IssueClassCodes(world.Teacher, world.ClassId, [world.Students[index]])).Single().Code);
}
