using System.Net;
using System.Text.Json;
using Alba;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Media;
using Microsoft.AspNetCore.TestHost;
using ClassComms.Points;
using ClassComms.Schools;
using ClassComms.Students;

namespace ClassComms.Tests.Support;

/// <summary>A signed-in person in a test: <see cref="UserId"/> is the membership in <see cref="SchoolId"/>.</summary>
public sealed record Session(string Token, Guid UserId, Guid SchoolId, string Role, string Name, string Email, Guid LoginId = default,
    string RefreshToken = "")
{
    /// <summary>The student of a student account's session (StudentAccounts/), else null.</summary>
    public Guid? StudentId { get; init; }
}

/// <summary>A school with a leader, a teacher, a DPO and one class of students, built through the API.</summary>
public sealed record World(Guid SchoolId, Session Leader, Session Teacher, Session Dpo, Guid ClassId, IReadOnlyList<Skill> Skills,
    IReadOnlyList<Guid> Students, IReadOnlyList<string> StudentNames)
{
    public Skill Positive => Skills.First(s => s.Positive);
    public Skill NeedsWork => Skills.First(s => !s.Positive);
}

/// <summary>Readable scenario helpers over Alba; every step goes through the HTTP API.</summary>
public sealed class Api(IAlbaHost host)
{
    public Api(AppFixture app) : this(app.Host)
    {
    }

    public const string Password = "correct horse battery staple";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(HttpStatusCode Status, string Body, IScenarioResult Result)> Send(HttpMethod method, string url, object? body,
        Session? caller, Action<Scenario>? configure = null)
    {
        var result = await host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else if (method == HttpMethod.Delete) s.Delete.Url(url);
            else if (method == HttpMethod.Put) s.Put.Json(body ?? new { }).ToUrl(url);
            else if (body is null) s.Post.Url(url);
            else s.Post.Json(body).ToUrl(url);
            if (caller is not null) s.WithRequestHeader("Authorization", $"Bearer {caller.Token}");
            configure?.Invoke(s);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        return ((HttpStatusCode)result.Context.Response.StatusCode, text, result);
    }

    public async Task<T> Expect<T>(HttpStatusCode expected, HttpMethod method, string url, object? body, Session? caller,
        Action<Scenario>? configure = null)
    {
        var (status, text, _) = await Send(method, url, body, caller, configure);
        Assert.True(status == expected, $"{method} {url}: expected {(int)expected}, got {(int)status}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public Task<T> Get<T>(string url, Session caller) => Expect<T>(HttpStatusCode.OK, HttpMethod.Get, url, null, caller);

    public Task<T> Post<T>(string url, object? body, Session? caller, HttpStatusCode expected = HttpStatusCode.Created) =>
        Expect<T>(expected, HttpMethod.Post, url, body, caller);

    /// <summary>Sends and asserts a ProblemDetails answer with the given status; returns it for further checks.</summary>
    public async Task<Problem> Problem(HttpStatusCode expected, HttpMethod method, string url, object? body, Session? caller,
        Action<Scenario>? configure = null)
    {
        var (status, text, result) = await Send(method, url, body, caller, configure);
        Assert.True(status == expected, $"{method} {url}: expected {(int)expected}, got {(int)status}: {text}");
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
        return JsonSerializer.Deserialize<Problem>(text, Json)!;
    }

    public async Task<Session> Login(string email, string password = Password)
    {
        var login = await Post<LoginSucceeded>("/api/auth/login", new Login(email, password), null, HttpStatusCode.OK);
        return new Session(login.Token, login.UserId, login.SchoolId, login.Role, "", email, login.LoginId, login.RefreshToken);
    }

    /// <summary>Signs in again: unlinking, a restriction, erasure and a password change end all of a person's sessions.</summary>
    public async Task<Session> SignInAgain(Session who) => await Login(who.Email) with { Name = who.Name };

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@school.test";

    public async Task<Session> CreateSchool(string name = "Test School", string leaderName = "Lena Leader")
    {
        var email = NewEmail("leader");
        await Expect<SchoolCreated>(HttpStatusCode.Created, HttpMethod.Post, "/api/schools",
            new CreateSchool(name, new NewPerson(leaderName, email, Password)), null,
            s => s.WithRequestHeader(CreateSchoolEndpoint.OperatorKeyHeader, AppFixture.OperatorKey));
        return await Login(email) with { Name = leaderName };
    }

    /// <summary>
    /// A leader invites a new staff member (201), who accepts with the token from the invitation mail in the development
    /// outbox and sets <see cref="Password"/> (201), then signs in.
    /// </summary>
    public async Task<Session> CreateStaff(Session leader, string role, string name)
    {
        var email = NewEmail(role);
        await Post<StaffInvited>("/api/staff", new CreateStaff(role, name, email), leader);
        await AcceptInvitation(email);
        return await Login(email) with { Name = name };
    }

    /// <summary>Accepts the newest invitation mailed to <paramref name="email"/> (skipping <paramref name="seen"/> earlier ones); 201 expected.</summary>
    public async Task<StaffInvitationAccepted> AcceptInvitation(string email, string? password = Password, Session? signedIn = null, int seen = 0) =>
        await Expect<StaffInvitationAccepted>(HttpStatusCode.Created, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation((await InvitationMailTo(email, seen)).Token, password), signedIn);

    /// <summary>The staff invitation mails in the development outbox.</summary>
    public static IReadOnlyList<StaffInvitationMail> InvitationOutbox() => ReadOutbox<StaffInvitationMail>(AppFixture.StaffInvitationOutbox);

    /// <summary>Waits (bounded) for the handler to write an invitation mail to <paramref name="email"/> (skipping <paramref name="seen"/> earlier ones).</summary>
    public static async Task<StaffInvitationMail> InvitationMailTo(string email, int seen = 0)
    {
        for (var i = 0; i < 300; i++)
        {
            var mails = InvitationOutbox().Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
            if (mails.Count > seen) return mails[^1];
            await Task.Delay(50);
        }

        throw new TimeoutException("No staff invitation mail was written to the outbox.");
    }

    public Task<ClassCreatedResponse> CreateClass(Session teacher, string name = "Grade 3") =>
        Post<ClassCreatedResponse>("/api/classes", new CreateClass(name, null), teacher);

    public async Task<IReadOnlyList<Guid>> Enrol(Session teacher, Guid classId, params string[] names) =>
        (await Post<StudentsEnrolled>($"/api/classes/{classId}/students", new EnrolStudents(names.Select(n => new NewStudent(n)).ToList()),
            teacher)).StudentIds;

    public Task<ParentCodeIssued> IssueCode(Session teacher, Guid studentId) =>
        Post<ParentCodeIssued>($"/api/students/{studentId}/parent-codes", null, teacher);

    /// <summary>
    /// Registers a guardian with a parent code, from a fresh client address (redemption is rate-limited per address):
    /// 202, then the token from the confirmation mail in the development outbox, then 201 and sign-in.
    /// </summary>
    public async Task<Session> RegisterGuardian(string code, string name = "Gail Guardian", string? email = null)
    {
        email ??= NewEmail("guardian");
        await Expect<RegistrationPending>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code, name, email, Password), null, FromNewAddress);
        await ConfirmRegistration(email);
        return await Login(email) with { Name = name };
    }

    /// <summary>Confirms the newest registration mailed to <paramref name="email"/>; 201 expected.</summary>
    public async Task<GuardianRegistered> ConfirmRegistration(string email) =>
        await Expect<GuardianRegistered>(HttpStatusCode.Created, HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration((await RegistrationMailTo(email)).Token), null, FromNewAddress);

    /// <summary>The incident reminder mails in the development outbox.</summary>
    public static IReadOnlyList<ClassComms.Incidents.IncidentReminderMail> IncidentReminderOutbox() =>
        ReadOutbox<ClassComms.Incidents.IncidentReminderMail>(AppFixture.IncidentReminderOutbox);

    /// <summary>The registration mails in the development outbox.</summary>
    public static IReadOnlyList<RegistrationMail> RegistrationOutbox() => ReadOutbox<RegistrationMail>(AppFixture.RegistrationOutbox);

    private static IReadOnlyList<T> ReadOutbox<T>(string path)
    {
        if (!File.Exists(path)) return [];
        var mails = new List<T>();
        foreach (var line in File.ReadAllLines(path).Where(l => l.EndsWith('}')))
        {
            try
            {
                mails.Add(JsonSerializer.Deserialize<T>(line, Json)!);
            }
            catch (JsonException)
            {
                // A line still being appended; the next read sees it whole.
            }
        }

        return mails;
    }

    /// <summary>Waits (bounded) for the handler to write a registration mail to <paramref name="email"/> (skipping <paramref name="seen"/> earlier ones).</summary>
    public static async Task<RegistrationMail> RegistrationMailTo(string email, int seen = 0)
    {
        for (var i = 0; i < 300; i++)
        {
            var mails = RegistrationOutbox().Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
            if (mails.Count > seen) return mails[^1];
            await Task.Delay(50);
        }

        throw new TimeoutException("No registration mail was written to the outbox.");
    }

    public async Task<Session> GuardianOf(Session teacher, Guid studentId, string name = "Gail Guardian") =>
        await RegisterGuardian((await IssueCode(teacher, studentId)).Code, name);

    public Task<PointsAwardedResponse> Award(Session teacher, Guid classId, Guid skillId, IReadOnlyList<Guid> students, string? note = null) =>
        Post<PointsAwardedResponse>($"/api/classes/{classId}/points", new AwardPoints(skillId, students, false, note), teacher);

    public Task<PointsAwardedResponse> AwardWholeClass(Session teacher, Guid classId, Guid skillId, string? note = null) =>
        Post<PointsAwardedResponse>($"/api/classes/{classId}/points", new AwardPoints(skillId, null, true, note), teacher);

    public Task<Skill> AddSkill(Session teacher, Guid classId, string name, bool positive = true, int value = 1) =>
        Post<Skill>($"/api/classes/{classId}/skills", new AddSkill(name, positive, value), teacher);

    public Task<ClassView> GetClass(Session caller, Guid classId) => Get<ClassView>($"/api/classes/{classId}", caller);

    public Task<StudentView> GetStudent(Session caller, Guid studentId) => Get<StudentView>($"/api/students/{studentId}", caller);

    public Task<StudentPointsView> GetHistory(Session caller, Guid studentId, string query = "") =>
        Get<StudentPointsView>($"/api/students/{studentId}/points{query}", caller);

    /// <summary>Sends a body-less POST or DELETE and asserts the status; returns the body.</summary>
    public async Task<string> Expect(HttpStatusCode expected, HttpMethod method, string url, Session caller)
    {
        var (status, text, _) = await Send(method, url, null, caller);
        Assert.True(status == expected, $"{method} {url}: expected {(int)expected}, got {(int)status}: {text}");
        return text;
    }

    public Task<string> Delete(string url, Session caller) => Expect(HttpStatusCode.NoContent, HttpMethod.Delete, url, caller);

    public Task<string> RestrictGuardian(Session leader, Guid studentId, Guid guardianId) =>
        Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/students/{studentId}/guardians/{guardianId}/restriction", leader);

    public async Task<World> CreateWorld(params string[] studentNames)
    {
        var names = studentNames.Length > 0 ? studentNames : ["Ada Student", "Ben Student", "Cleo Student"];
        var leader = await CreateSchool();
        var teacher = await CreateStaff(leader, "teacher", "Theo Teacher");
        var dpo = await CreateStaff(leader, "dpo", "Dora Dpo");
        var created = await CreateClass(teacher);
        var students = await Enrol(teacher, created.ClassId, names);
        return new World(leader.SchoolId, leader, teacher, dpo, created.ClassId, created.Skills, students, names);
    }

    public Task<ConversationsStarted> StartConversation(Session teacher, Guid studentId, string text, string mode = ConversationKinds.Private,
        bool urgent = false) =>
        Post<ConversationsStarted>("/api/conversations", new StartConversation(studentId, mode, text, urgent), teacher);

    public Task<MessageAccepted> Reply(Session who, Guid conversationId, string? text, IReadOnlyList<Guid>? attachments = null, bool urgent = false) =>
        Post<MessageAccepted>($"/api/conversations/{conversationId}/messages", new PostMessage(text, attachments, urgent), who);

    public Task<AnnouncementPosted> Announce(Session teacher, Guid classId, string text, IReadOnlyList<Guid>? about = null, bool urgent = false) =>
        Post<AnnouncementPosted>($"/api/classes/{classId}/announcements", new PostAnnouncement(text, about, urgent), teacher);

    public Task<ThreadPage> Thread(Session who, Guid conversationId) => Get<ThreadPage>($"/api/conversations/{conversationId}/messages", who);

    public Task<InboxPage> Inbox(Session who, long after = 0) => Get<InboxPage>($"/api/inbox?after={after}", who);

    /// <summary>Multipart upload of an attachment into a conversation; returns the status, raw body and parsed result.</summary>
    public async Task<(HttpStatusCode Status, string Body, AttachmentUploaded? Uploaded)> Upload(Session who, Guid conversationId, byte[] content,
        string fileName, string claimedType)
    {
        using var client = Client(who);
        var response = await client.PostAsync($"/api/conversations/{conversationId}/attachments", Files.Form(content, fileName, claimedType));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<AttachmentUploaded>(body, Json) : null);
    }

    public async Task<AttachmentUploaded> UploadOk(Session who, Guid conversationId, byte[] content, string fileName, string claimedType)
    {
        var (status, body, uploaded) = await Upload(who, conversationId, content, fileName, claimedType);
        Assert.True(status == HttpStatusCode.Created, $"upload: expected 201, got {(int)status}: {body}");
        return uploaded!;
    }

    public async Task<(HttpStatusCode Status, byte[] Bytes)> Download(Session who, Guid attachmentId)
    {
        using var client = Client(who);
        var response = await client.GetAsync($"/api/attachments/{attachmentId}");
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    private HttpClient Client(Session who)
    {
        var client = host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        return client;
    }

    public static void FromNewAddress(Scenario s) =>
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = new IPAddress(Random.Shared.Next(0x0A000001, 0x0AFFFFFE)));
}

public sealed record Problem(int Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
