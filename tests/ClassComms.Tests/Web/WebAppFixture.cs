using System.Diagnostics;
using System.Net.Http.Json;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Web;

/// <summary>
/// The real API as its own process with the demo school (<c>Demo:Seed=true</c>) in its own database, serving the web app built
/// from <c>src/ClassComms.Web</c> against this API's own contract: <c>npm ci</c> (when needed), then <c>npm run build</c> with
/// <c>CLASSCOMMS_OPENAPI</c> = the running API's <c>/openapi/v1.json</c>, so a contract change that breaks the app fails these tests.
/// Browser scenarios run in headless Debian <c>chromium</c> through playwright-core (<c>e2e/run.mjs</c>).
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    private const string Database = "classcomms_tests_web";
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), $"classcomms-web-registrations-{Guid.NewGuid():N}.jsonl");
    private readonly string _staffOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-web-staff-invitations-{Guid.NewGuid():N}.jsonl"); // webstaff3
    private ApiProcess? _api;

    public string WebDirectory { get; } = Path.Combine(RepositoryRoot(), "src", "ClassComms.Web");

    public Uri Address => _api!.Address!;

    public string? BuildProblem { get; private set; }

    /// <summary>webdpo3: the API process's database (a browser test holds a lock in it: see the export-extension scenario).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var dist = Path.Combine(WebDirectory, "dist");
        Directory.CreateDirectory(dist); // served from the start; filled by the build below
        var connection = await DatabaseDump.CreateEmptyAsync(Database);
        ConnectionString = connection;
        _api = ApiProcess.Serve(connection, new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "true",
            ["Guardians:Registration:OutboxPath"] = _outbox,
            ["Staff:Invitation:OutboxPath"] = _staffOutbox, // webstaff3
            ["Web:Root"] = dist,
            // The browser scenarios sign in many times from one address.
            ["Auth:Throttle:AccountAttempts"] = "1000",
            ["Auth:Throttle:AddressAttempts"] = "1000",
            ["ParentCodes:RedemptionsPerMinute"] = "1000",
            // Counters of its own in the suite's Redis: the cluster tests' nodes count redemptions from 127.0.0.1 too.
            ["Redis:Prefix"] = $"classcomms-web-tests-{Guid.NewGuid():N}",
        });
        await WaitUntilReadyAsync();

        var installed = new FileInfo(Path.Combine(WebDirectory, "node_modules", ".package-lock.json"));
        if (!installed.Exists || installed.LastWriteTimeUtc < File.GetLastWriteTimeUtc(Path.Combine(WebDirectory, "package-lock.json")))
        {
            var (ci, ciOutput) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], null, TimeSpan.FromMinutes(5));
            if (ci != 0) { BuildProblem = $"npm ci failed:\n{ciOutput}"; return; }
        }

        var (build, output) = await RunAsync("npm", ["run", "build"],
            new Dictionary<string, string> { ["CLASSCOMMS_OPENAPI"] = new Uri(Address, "/openapi/v1.json").ToString() }, TimeSpan.FromMinutes(5));
        if (build != 0) BuildProblem = $"npm run build failed (a contract change the app does not compile against?):\n{output}";
    }

    /// <summary>Runs browser scenarios (<c>node e2e/run.mjs name...</c>); returns the exit code and what it printed.</summary>
    public Task<(int ExitCode, string Output)> RunScenarioAsync(params string[] names) => RunScenarioAsync(names, new Dictionary<string, string>());

    /// <summary>Runs browser scenarios with more environment variables for them (webdpo3: a handshake file).</summary>
    public Task<(int ExitCode, string Output)> RunScenarioAsync(string[] names, IReadOnlyDictionary<string, string> environment) =>
        RunAsync("node", ["e2e/run.mjs", .. names], new Dictionary<string, string>(environment)
            {
                ["CLASSCOMMS_WEB_URL"] = Address.ToString().TrimEnd('/'),
                ["CLASSCOMMS_REGISTRATION_OUTBOX"] = _outbox,
                ["CLASSCOMMS_STAFF_INVITATION_OUTBOX"] = _staffOutbox, // webstaff3
            },
            TimeSpan.FromMinutes(4));

    public async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = WebDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"`{file} {string.Join(' ', args)}` did not end within {timeout}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>webdpo3: the demo school's signing key exists (created on first use through the API, as the DPO).</summary>
    public async Task EnsureSigningKeyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        var login = await http.PostAsJsonAsync("/api/auth/login", new { email = "dpo@demo.classcomms.test", password = "classcomms-demo" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/school/signing-key");
        request.Headers.Authorization = new("Bearer", token);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            if (_api!.HasExited) throw new InvalidOperationException($"the API exited before it was ready: {await _api.OutputAsync()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the API was not ready within 3 minutes");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_api is not null) await _api.DisposeAsync();
        await DatabaseDump.DropAsync(Database);
        File.Delete(_outbox);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("ClassComms.sln not found above the test directory.");
    }
}
