using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ClassComms.Accounts;
using ClassComms.Consents;
using ClassComms.Demo;
using ClassComms.Portfolios;
using ClassComms.StudentAccounts;
using ClassComms.Stories;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Demo;

/// <summary>
/// The demo school (a real API process with <c>Demo:Seed=true</c>) has today's features: consents (one from a paper form), a Class
/// Story and a School Story post, an approved and a pending portfolio item, and a printed student login code that signs in.
/// A second start on the same database seeds nothing again.
/// </summary>
public sealed class when_seeding_the_demo_school(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_demo_users_read_consents_stories_portfolio_and_the_student_signs_in_with_the_printed_code()
    {
        const string database = "classcomms_tests_demo_features";
        var connection = await DatabaseDump.CreateEmptyAsync(database);
        // Its own registration outbox: the readiness test seeds the same demo parent in another database at the same time.
        var outbox = Path.Combine(Path.GetTempPath(), $"classcomms-demo-{Guid.NewGuid():N}.jsonl");
        // A mail to the demo parent left from an earlier seeding of a database since reset: its token no longer exists, and the
        // seeder must wait for the new one rather than confirm with it (it did, and the start failed with a 400).
        await File.WriteAllTextAsync(outbox, System.Text.Json.JsonSerializer.Serialize(new ClassComms.Guardians.RegistrationMail(DemoSeeder.Parent,
            "a-token-from-an-earlier-seeding", false, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(1)), System.Text.Json.JsonSerializerOptions.Web) + "\n");
        try
        {
            var settings = new Dictionary<string, string?> { ["Demo:Seed"] = "true", ["Guardians:Registration:OutboxPath"] = outbox };
            var api = ApiProcess.Serve(connection, settings);
            try
            {
                using var http = await ReadyAsync(api);
                await SignInAsync(http, DemoSeeder.Teacher);
                var classId = await ClassIdAsync(http);
                var roster = (await http.GetFromJsonAsync<ClassComms.Classes.ClassView>($"/api/classes/{classId}"))!.Students;
                var ava = roster.Single(s => s.Name == "Ava Martin").StudentId;
                var noah = roster.Single(s => s.Name == "Noah Roy").StudentId;
                var emma = roster.Single(s => s.Name == "Emma Gagnon").StudentId;

                Assert.True(await GivenAsync(http, noah, ConsentPurposes.ClassStoryMedia), "Noah's paper-form consent");
                Assert.False(await GivenAsync(http, emma, ConsentPurposes.ClassStoryMedia), "Emma has no consent");
                var noahHistory = await http.GetStringAsync($"/api/students/{noah}/consents/history");
                Assert.Contains("paperForm", noahHistory, StringComparison.OrdinalIgnoreCase);
                var classStory = await http.GetFromJsonAsync<StoryPage>($"/api/stories/{classId}/posts");
                Assert.Contains(classStory!.Posts, p => p.Text!.Contains("bean seeds"));
                var teacherPortfolio = await http.GetFromJsonAsync<PortfolioPage>($"/api/students/{ava}/portfolio");
                Assert.Equal([false, true], teacherPortfolio!.Items.Select(i => i.Approved).Order());

                await SignInAsync(http, DemoSeeder.Parent);
                Assert.True(await GivenAsync(http, ava, ConsentPurposes.ClassStoryMedia), "Ava's parent's consent");
                var parentPortfolio = await http.GetFromJsonAsync<PortfolioPage>($"/api/students/{ava}/portfolio");
                Assert.True(Assert.Single(parentPortfolio!.Items).Approved);
                var parentStory = await http.GetFromJsonAsync<StoryPage>($"/api/stories/{classId}/posts");
                Assert.Single(parentStory!.Posts);

                var leader = await SignInAsync(http, DemoSeeder.Leader);
                var schoolStory = await http.GetFromJsonAsync<StoryPage>($"/api/stories/{leader.SchoolId}/posts");
                Assert.Contains(schoolStory!.Posts, p => p.Text!.Contains("school garden"));
            }
            finally
            {
                await api.DisposeAsync();
            }

            var output = await api.OutputAsync();

            var code = Regex.Match(output, @"student  Ava, login code (\S+(?: \S+)*) \(POST").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(code), "the student's login code is printed at the first start");

            await using (var again = ApiProcess.Serve(connection, settings))
            {
                using var http = await ReadyAsync(again);
                var login = await http.PostAsJsonAsync("/api/auth/student-login", new StudentCodeLogin(code));
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                var student = (await login.Content.ReadFromJsonAsync<LoginSucceeded>())!;
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", student.Token);
                var studentId = student.StudentId!.Value;
                var own = await http.GetFromJsonAsync<PortfolioPage>($"/api/students/{studentId}/portfolio");
                Assert.Equal(2, own!.Items.Count);

                await SignInAsync(http, DemoSeeder.Teacher);
                var classStory = await http.GetFromJsonAsync<StoryPage>($"/api/stories/{await ClassIdAsync(http)}/posts");
                Assert.Single(classStory!.Posts); // the second start seeded nothing again
            }
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(outbox);
        }
    }

    private static async Task<Guid> ClassIdAsync(HttpClient http) =>
        Assert.Single((await http.GetFromJsonAsync<List<ClassComms.Classes.ClassListItem>>("/api/classes"))!).ClassId;

    private static async Task<bool> GivenAsync(HttpClient http, Guid studentId, string purpose)
    {
        var view = await http.GetFromJsonAsync<StudentConsentsView>($"/api/students/{studentId}/consents");
        return view!.Consents.Any(c => c.Purpose == purpose && c.Given);
    }

    private static async Task<LoginSucceeded> SignInAsync(HttpClient http, string email)
    {
        http.DefaultRequestHeaders.Authorization = null;
        var response = await http.PostAsJsonAsync("/api/auth/login", new Login(email, DemoSeeder.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var login = (await response.Content.ReadFromJsonAsync<LoginSucceeded>())!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
        return login;
    }

    private static async Task<HttpClient> ReadyAsync(ApiProcess api)
    {
        var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!await IsReadyAsync(http))
        {
            Assert.False(api.HasExited, $"the API exited before it was ready: {(api.HasExited ? await api.OutputAsync() : "")}");
            Assert.False(deadline.IsCancellationRequested, "the API was not ready within 3 minutes");
            await Task.Delay(50);
        }

        return http;
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
