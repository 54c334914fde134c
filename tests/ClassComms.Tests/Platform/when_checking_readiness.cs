using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using ClassComms.Accounts;
using ClassComms.Demo;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClassComms.Tests.Platform;

/// <summary>
/// <c>/health/ready</c>: every check is bounded by <c>Health:CheckTimeout</c>, the async daemon and the durable inbox/outbox
/// are reported, and ready means the start-up work is done (a client that waits for ready can sign in at once).
/// </summary>
public sealed class when_checking_readiness(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task ready_reports_each_check_with_the_async_daemon_and_durable_messaging()
    {
        var (status, body, _) = await Api.Send(HttpMethod.Get, "/health/ready", null, null);

        Assert.Equal(HttpStatusCode.OK, status);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        foreach (var name in new[] { "postgresql", "blob-storage", "erasure-ledger", "async-daemon", "durable-messaging" })
        {
            Assert.True(checks.TryGetProperty(name, out var check), $"{name} is not reported: {body}");
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
        }

        Assert.True(checks.GetProperty("async-daemon").GetProperty("data").TryGetProperty("highWaterMark", out _), body);
        Assert.True(checks.GetProperty("durable-messaging").GetProperty("data").TryGetProperty("deadLetters", out _), body);
    }

    [Fact]
    public async Task a_check_that_never_answers_is_cut_at_its_timeout_and_ready_answers_503()
    {
        await using var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { ["Health:CheckTimeout"] = "00:00:01" },
            b => b.ConfigureServices(s => s.AddHealthChecks().AddBoundedCheck<NeverAnswers>("never-answers", tags: [HealthConfiguration.Ready])));

        var response = await host.Server.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("never-answers").GetProperty("status").GetString());
        Assert.Equal("No answer within 1 s.", checks.GetProperty("never-answers").GetProperty("description").GetString());
        // The other checks run beside it, each within its own timeout (1 s, not 0.2 s: at a load average of 40–60 on the
        // 2-core CI machine PostgreSQL's own check once took longer than 0.2 s).
        Assert.Equal("Healthy", checks.GetProperty("postgresql").GetProperty("status").GetString());
    }

    [Fact]
    public async Task once_ready_the_seeded_demo_logins_work_at_once()
    {
        const string database = "classcomms_tests_demo";
        var connection = await DatabaseDump.CreateEmptyAsync(database);
        try
        {
            await using var api = ApiProcess.Serve(connection, new Dictionary<string, string?> { ["Demo:Seed"] = "true" });
            using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };

            // Wait for ready as an orchestrator does (poll), then sign in immediately.
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (!await IsReadyAsync(http))
            {
                Assert.False(api.HasExited, $"the API exited before it was ready: {(api.HasExited ? await api.OutputAsync() : "")}");
                Assert.False(deadline.IsCancellationRequested, "the API was not ready within 3 minutes");
                await Task.Delay(50);
            }

            var login = await http.PostAsJsonAsync("/api/auth/login", new Login(DemoSeeder.Teacher, DemoSeeder.Password));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    /// <summary>A dependency that never answers and ignores cancellation.</summary>
    private sealed class NeverAnswers : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            new TaskCompletionSource<HealthCheckResult>().Task;
    }
}
