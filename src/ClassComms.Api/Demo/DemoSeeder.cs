using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Points;
using ClassComms.Portfolios;
using ClassComms.Schools;
using ClassComms.Stories;
using ClassComms.StudentAccounts;
using ClassComms.Students;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ClassComms.Platform;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ClassComms.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";
    public bool Seed { get; set; }
}

/// <summary>
/// Seeds a demo school through the public API (staff excepted: see <see cref="SeedStaffAsync"/>) once the service is listening, only when <c>Demo:Seed</c> is true
/// (never in production configuration). Idempotent: if the demo leader can sign in, it only prints the logins.
/// <c>/health/ready</c> stays unhealthy until it is done, so a client that waits for ready can sign in with the demo logins.
/// </summary>
public sealed class DemoSeeder(IServer server, IHostApplicationLifetime lifetime, IOptions<PlatformOptions> platform,
    IOptions<RegistrationOptions> registration, IHostEnvironment environment, Marten.IDocumentStore store, AccountFactory accounts,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const string Password = "classcomms-demo";
    public const string Leader = "leader@demo.classcomms.test";
    public const string Teacher = "teacher@demo.classcomms.test";
    public const string Parent = "parent@demo.classcomms.test";
    public const string Dpo = "dpo@demo.classcomms.test";

    private volatile bool _done;

    /// <summary>True once the demo school exists and the logins were printed.</summary>
    public bool Done => _done;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        await using var _ = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("The server has no address to seed through.");
        using var http = new HttpClient { BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1")) };

        if ((await http.PostAsJsonAsync("/api/auth/login", new Login(Leader, Password), ct)).IsSuccessStatusCode)
        {
            Print(address);
            return;
        }

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/schools")
        {
            Content = JsonContent.Create(new CreateSchool("École Démo / Demo Primary School", new NewPerson("Léa Leader", Leader, Password))),
        };
        create.Headers.Add(CreateSchoolEndpoint.OperatorKeyHeader, platform.Value.OperatorKey);
        (await http.SendAsync(create, ct)).EnsureSuccessStatusCode();

        var leader = await SignInAsync(http, Leader, ct);
        await SeedStaffAsync(leader.SchoolId, ct);

        await SignInAsync(http, Teacher, ct);
        var created = await Post<ClassCreatedResponse>(http, "/api/classes", new CreateClass("Grade 3 — Maple", null), ct);
        var students = await Post<StudentsEnrolled>(http, $"/api/classes/{created.ClassId}/students",
            new EnrolStudents([new("Ava Martin"), new("Noah Roy"), new("Emma Gagnon"), new("Liam Côté"), new("Zoé Bouchard")]), ct);
        var code = await Post<ParentCodeIssued>(http, $"/api/students/{students.StudentIds[0]}/parent-codes", new { }, ct);
        var helping = created.Skills.First(s => s.Positive).Id;
        await Post(http, $"/api/classes/{created.ClassId}/points", new AwardPoints(helping, null, true, null), ct);
        await Post(http, $"/api/classes/{created.ClassId}/points",
            new AwardPoints(helping, [students.StudentIds[0]], false, "Ava helped a new classmate find her way today."), ct);

        http.DefaultRequestHeaders.Authorization = null;
        // Mails to the demo parent already in the outbox (an earlier seeding of a database since reset) hold tokens that no longer exist.
        var earlierMails = ParentMails().Count;
        await Post(http, "/api/guardians/register", new RegisterGuardian(code.Code, "Paul Parent", Parent, Password), ct);
        var confirmed = await ConfirmParentAsync(http, earlierMails, ct);
        if (confirmed)
        {
            // Ava's parent gives all three consents; Emma and Liam and Zoé have none.
            await SignInAsync(http, Parent, ct);
            foreach (var purpose in ConsentPurposes.All)
            {
                await Post(http, $"/api/students/{students.StudentIds[0]}/consents", new ChangeConsent(purpose, true, null), ct);
            }
        }

        await SignInAsync(http, Teacher, ct);
        await Post(http, $"/api/students/{students.StudentIds[1]}/consents",
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, "Demo paper consent form, signed by a parent"), ct);
        await Post(http, "/api/conversations",
            new StartConversation(students.StudentIds[0], ConversationKinds.Private, "Hello! Ava settled in very well this week.", false), ct);
        await Post(http, $"/api/classes/{created.ClassId}/announcements",
            new PostAnnouncement("Picture day is Thursday: please bring a smile.", null, false), ct);
        await Post(http, $"/api/stories/{created.ClassId}/posts",
            new PostToStory("Our class planted bean seeds today: we will measure them every Monday.", null, false), ct);
        await Post(http, $"/api/students/{students.StudentIds[0]}/portfolio",
            new AddPortfolioItem(PortfolioKinds.Journal, "Ava read her first chapter book on her own.", null), ct);
        var logins = await Post<ClassLoginCodesIssued>(http, $"/api/classes/{created.ClassId}/student-logins",
            new IssueClassLoginCodes([students.StudentIds[0]]), ct);
        var studentCode = logins.Codes.Single().Code;

        http.DefaultRequestHeaders.Authorization = null;
        var student = await Post<LoginSucceeded>(http, "/api/auth/student-login", new StudentCodeLogin(studentCode), ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", student.Token);
        await Post(http, $"/api/students/{students.StudentIds[0]}/portfolio",
            new AddPortfolioItem(PortfolioKinds.Journal, "Today I learned that beans grow roots first.", null), ct);

        await SignInAsync(http, Leader, ct);
        await Post(http, $"/api/stories/{leader.SchoolId}/posts",
            new PostToStory("Welcome back, everyone! The school garden opens on Friday.", null, false), ct);
        logger.LogInformation("Demo school seeded.");
        Print(address, studentCode);
    }

    /// <summary>
    /// The demo teacher and DPO, with the demo password. Written directly, not through <c>POST /api/staff</c>: staff are
    /// invited there and choose their own password, which a demo with known logins cannot wait for.
    /// </summary>
    private async Task SeedStaffAsync(Guid schoolId, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        await accounts.CreateAsync(session, schoolId, Role.Teacher, new NewPerson("Tom Teacher", Teacher, Password), ct);
        await accounts.CreateAsync(session, schoolId, Role.Dpo, new NewPerson("Dana Protection", Dpo, Password), ct);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>The registration mails to the demo parent in the development outbox, oldest first (none when it is not set).</summary>
    private List<RegistrationMail> ParentMails()
    {
        if (string.IsNullOrWhiteSpace(registration.Value.OutboxPath)) return [];
        var path = Path.GetFullPath(registration.Value.OutboxPath, environment.ContentRootPath);
        return File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0)
                .Select(l => System.Text.Json.JsonSerializer.Deserialize<RegistrationMail>(l, System.Text.Json.JsonSerializerOptions.Web)!)
                .Where(m => string.Equals(m.Email, Parent, StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
    }

    /// <summary>Confirms the demo parent's registration with the token from the development outbox, as the parent would from their mail.</summary>
    private async Task<bool> ConfirmParentAsync(HttpClient http, int earlierMails, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(registration.Value.OutboxPath))
        {
            logger.LogWarning("Guardians:Registration:OutboxPath is not set; the demo parent's registration stays unconfirmed.");
            return false;
        }

        for (var i = 0; i < 200; i++)
        {
            var mails = ParentMails();
            var mail = mails.Count > earlierMails ? mails[^1] : null;
            if (mail is not null)
            {
                await Post(http, "/api/guardians/register/confirm", new ConfirmGuardianRegistration(mail.Token), ct);
                return true;
            }

            await Task.Delay(100, ct);
        }

        throw new InvalidOperationException("Demo seeding failed: no registration mail reached the development outbox.");
    }

    /// <param name="address">The API address.</param>
    /// <param name="studentCode">Ava's student login code, known only when this start seeded the school (codes are stored as a keyed hash).</param>
    private void Print(string address, string? studentCode = null)
    {
        _done = true;
        var lines = string.Join(Environment.NewLine,
            "", "ClassComms demo is running:",
            $"  API            {address}",
            $"  API reference  {address}/scalar",
            $"  Health         {address}/health/ready",
            $"  Logins (password for all: {Password}):",
            $"    teacher  {Teacher}", $"    parent   {Parent}", $"    DPO      {Dpo}", $"    leader   {Leader}",
            studentCode is null
                ? "    student  (Ava's login code was printed when the demo school was seeded; the teacher issues a new one: POST /api/classes/{id}/student-logins)"
                : $"    student  Ava, login code {studentCode} (POST /api/auth/student-login)", "");
        Console.WriteLine(lines);
    }

    private static async Task<LoginSucceeded> SignInAsync(HttpClient http, string email, CancellationToken ct)
    {
        http.DefaultRequestHeaders.Authorization = null;
        var login = await Post<LoginSucceeded>(http, "/api/auth/login", new Login(email, Password), ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
        return login;
    }

    private static async Task Post(HttpClient http, string url, object body, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(url, body, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Demo seeding failed: POST {url} answered {(int)response.StatusCode}.");
        }
    }

    private static async Task<T> Post<T>(HttpClient http, string url, object body, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(url, body, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Demo seeding failed: POST {url} answered {(int)response.StatusCode}.");
        }

        return (await response.Content.ReadFromJsonAsync<T>(ct))!;
    }
}

public static class DemoConfiguration
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        if (!options.Seed) return services;
        services.AddSingleton<DemoSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoSeeder>());
        services.AddHealthChecks().AddCheck<DemoSeedHealthCheck>("demo-seed", tags: [HealthConfiguration.Ready]);
        return services;
    }
}

public sealed class DemoSeedHealthCheck(DemoSeeder seeder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(seeder.Done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The demo school is being seeded."));
}
