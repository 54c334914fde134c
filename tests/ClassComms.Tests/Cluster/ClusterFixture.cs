using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Demo;
using ClassComms.Guardians;
using ClassComms.Students;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClassComms.Tests.Cluster;

/// <summary>
/// A two-node cluster started by <c>infra/cluster.sh start 2</c> (the API build of this test run, nginx in front) on its OWN
/// PostgreSQL and Azurite (<c>.data/cluster-tests</c>, free ports), so that stopping them never disturbs the shared suite.
/// Node 1 seeds the demo school; the fixture adds a class of 30 students with one registered guardian each, through the API.
/// Everything it started is stopped at the end.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Families = 30;
    public const string Password = "cluster-test-password";
    private readonly Dictionary<string, string?> _environment = new();
    private readonly List<HttpClient> _clients = [];

    public string RepoRoot { get; } = FindRepoRoot();
    public string DataDir => Path.Combine(RepoRoot, ".data", "cluster-tests");
    public int ProxyPort { get; private set; }
    public Uri Proxy => new($"http://127.0.0.1:{ProxyPort}");
    public Uri Node(int i) => new($"http://127.0.0.1:{ProxyPort + i}");
    private string RegistrationOutbox => Path.Combine(DataDir, "outbox", "registrations.jsonl");

    public Person Teacher { get; private set; } = null!;
    public Guid ClassId { get; private set; }
    public Guid SkillId { get; private set; }
    public IReadOnlyList<Guid> Students { get; private set; } = [];
    /// <summary>Guardian i is the only guardian of student i.</summary>
    public IReadOnlyList<Person> Guardians { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        if (File.Exists(RegistrationOutbox)) File.Delete(RegistrationOutbox);
        ProxyPort = FreePortRun(4);
        _environment["CLASSCOMMS_DATA_DIR"] = DataDir;
        _environment["CLASSCOMMS_PG_PORT"] = FreePort().ToString();
        _environment["CLASSCOMMS_PG_FAST"] = "1";
        _environment["CLASSCOMMS_AZURITE_PORT"] = FreePort().ToString();
        _environment["CLASSCOMMS_CLUSTER_PORT"] = ProxyPort.ToString();
        _environment["CLASSCOMMS_CLUSTER_API_DLL"] = Path.Combine(AppContext.BaseDirectory, "ClassComms.Api.dll");
        // The shared suite's stores are not ours: infra/cluster.sh starts the private ones above.
        _environment["ConnectionStrings__Marten"] = null;
        _environment["ConnectionStrings__Blobs"] = null;
        _environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        _environment["PersonalData__MasterKey"] = Convert.ToBase64String("cluster-master-key-of-thirty-two"u8);
        _environment["PersonalData__LookupKey"] = Convert.ToBase64String("cluster-lookup-key-of-thirty-two"u8);
        _environment["Auth__SigningKey"] = "cluster-test-signing-key-that-is-long-enough-for-hs256";
        _environment["Platform__OperatorKey"] = "cluster-test-operator-key";
        _environment["ParentCodes__RedemptionsPerMinute"] = "100000";
        _environment["Redis__Prefix"] = $"classcomms-cluster-tests-{Guid.NewGuid():N}"; // its counters and channels apart from the suite's
        _environment["Auth__Throttle__AddressAttempts"] = "100000";
        _environment["Logging__LogLevel__Default"] = "Warning";
        _environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";

        var (code, output) = await RunAsync("infra/cluster.sh", "start", "2");
        if (code != 0) throw new InvalidOperationException($"infra/cluster.sh start 2 failed ({code}):\n{output}");
        await BuildWorldAsync();
    }

    /// <summary>Runs one of the infra scripts with this cluster's environment; its exit code and everything it printed.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var (key, value) in _environment)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {string.Join(' ', args)} did not finish within 8 minutes: {await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    public async Task Run(string script, params string[] args)
    {
        var (code, output) = await RunAsync(script, args);
        if (code != 0) throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed ({code}):\n{output}");
    }

    public HttpClient Client(Uri? address = null, string? token = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = address ?? Proxy,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        lock (_clients) _clients.Add(http);
        return http;
    }

    /// <summary>A SignalR connection through nginx, WebSockets only and no negotiation (so no node affinity is needed); it
    /// reconnects by itself for about a minute after its node goes away.</summary>
    public HubConnection Hub(string token, Uri? address = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(address ?? Proxy, "/hubs/notifications"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .WithAutomaticReconnect([.. Enumerable.Repeat(TimeSpan.FromMilliseconds(500), 4), .. Enumerable.Repeat(TimeSpan.FromSeconds(2), 30)])
            .Build();

    /// <summary>The cluster's PostgreSQL database (its own instance), for reading who holds which lock.</summary>
    public string Database =>
        $"Host=127.0.0.1;Port={_environment["CLASSCOMMS_PG_PORT"]};Database=classcomms;Username=classcomms;Password=classcomms;Application Name=cluster-tests";

    public int Nodes => 2;

    /// <summary>Node <paramref name="i"/>'s process id while it runs (infra/cluster.sh's pid file), else null.</summary>
    public int? NodePid(int i)
    {
        var file = Path.Combine(DataDir, "cluster", $"node-{i}.pid");
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file).Trim(), out var pid)) return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The node that answered through nginx (its <c>X-ClassComms-Node</c> header: the upstreams tried, the last one
    /// answered), or 0.</summary>
    public int NodeOf(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("X-ClassComms-Node", out var values)) return 0;
        var last = string.Join(",", values).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return last is not null && int.TryParse(last[(last.LastIndexOf(':') + 1)..], out var port) ? port - ProxyPort : 0;
    }

    /// <summary>Starts again (infra/cluster.sh start-node) every node an earlier test killed, so each test begins on a whole
    /// cluster whatever the order the tests run in.</summary>
    public async Task EnsureAllNodesUp()
    {
        for (var i = 1; i <= Nodes; i++)
        {
            if (NodePid(i) is null) await Run("infra/cluster.sh", "start-node", i.ToString());
        }
    }

    /// <summary>Which node owns the local TCP port <paramref name="port"/> (a PostgreSQL session's client_port): the node whose
    /// process holds that socket (/proc/net/tcp gives the socket's inode, /proc/PID/fd the process holding it); 0 if none.</summary>
    public int NodeOwningPort(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && Convert.ToInt32(f[1][(f[1].LastIndexOf(':') + 1)..], 16) == port) inodes.Add($"socket:[{f[9]}]");
            }
        }

        for (var i = 1; i <= Nodes; i++)
        {
            if (NodePid(i) is not { } pid) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && inodes.Contains(target)) return i;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process went away while we looked
            }
        }

        return 0;
    }

    /// <summary>kill -9 of node <paramref name="i"/> (SIGKILL: no shutdown code runs), by the pid infra/cluster.sh recorded.</summary>
    public void KillNode(int i)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(DataDir, "cluster", $"node-{i}.pid")).Trim());
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL on Linux
        process.WaitForExit(10_000);
    }

    /// <summary>A measured figure: in the test's output and appended to .data/cluster-tests/figures.txt (README: fault figures).</summary>
    public void Record(string scenario, string figures, Xunit.Abstractions.ITestOutputHelper output)
    {
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm}Z {scenario}: {figures}";
        output.WriteLine(line);
        File.AppendAllText(Path.Combine(DataDir, "figures.txt"), line + Environment.NewLine);
    }

    public static async Task<T> Send<T>(HttpClient http, HttpMethod method, string url, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {url}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web))!;
    }

    public static Task<T> Post<T>(HttpClient http, string url, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        Send<T>(http, HttpMethod.Post, url, body, expected);

    public static Task<T> Get<T>(HttpClient http, string url) => Send<T>(http, HttpMethod.Get, url, null, HttpStatusCode.OK);

    public async Task<Person> SignIn(string email, string password)
    {
        var login = await Post<LoginSucceeded>(Client(), "/api/auth/login", new Login(email, password), HttpStatusCode.OK);
        return new Person(login.UserId, login.Token, Client(token: login.Token));
    }

    /// <summary>The demo teacher (seeded by node 1) gets a class of 30; each student's parent code is redeemed by a new guardian.</summary>
    private async Task BuildWorldAsync()
    {
        Teacher = await SignIn(DemoSeeder.Teacher, DemoSeeder.Password);
        var created = await Post<ClassCreatedResponse>(Teacher.Http, "/api/classes", new CreateClass($"Cluster class {Guid.NewGuid():N}", null));
        ClassId = created.ClassId;
        SkillId = created.Skills.First(s => s.Positive).Id;
        var enrolled = await Post<StudentsEnrolled>(Teacher.Http, $"/api/classes/{ClassId}/students",
            new EnrolStudents(Enumerable.Range(1, Families).Select(i => new NewStudent($"Student {i:00}")).ToList()));
        Students = enrolled.StudentIds;

        var anonymous = Client();
        var guardians = new Person[Families];
        await Parallel.ForAsync(0, Families, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (i, _) =>
        {
            var code = await Post<ParentCodeIssued>(Teacher.Http, $"/api/students/{Students[i]}/parent-codes", new { });
            var email = $"guardian{i:00}-{Guid.NewGuid():N}@cluster.classcomms.test";
            await Post<JsonElement>(anonymous, "/api/guardians/register", new RegisterGuardian(code.Code, $"Guardian {i:00}", email, Password),
                HttpStatusCode.Accepted);
            await Post<JsonElement>(anonymous, "/api/guardians/register/confirm", new ConfirmGuardianRegistration(await RegistrationTokenFor(email)));
            guardians[i] = await SignIn(email, Password);
        });
        Guardians = guardians;
    }

    private async Task<string> RegistrationTokenFor(string email)
    {
        for (var i = 0; i < 400; i++)
        {
            if (File.Exists(RegistrationOutbox))
            {
                string[] lines;
                try
                {
                    lines = await File.ReadAllLinesAsync(RegistrationOutbox);
                }
                catch (IOException)
                {
                    lines = [];
                }

                var mail = lines.Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<RegistrationMail>(l, JsonSerializerOptions.Web)!)
                    .LastOrDefault(m => m.Email == email);
                if (mail is not null) return mail.Token;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("No registration mail reached the cluster's outbox.");
    }

    public async Task DisposeAsync()
    {
        foreach (var http in _clients) http.Dispose();
        await RunAsync("infra/cluster.sh", "stop");
        await RunAsync("infra/postgres.sh", "stop");
        await RunAsync("infra/azurite.sh", "stop");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("The repository root (ClassComms.sln) is not above the test output.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="count"/> consecutive free loopback ports (nginx, then the nodes), from 18250 up.</summary>
    private static int FreePortRun(int count)
    {
        for (var first = 18250; first < 18900; first += count)
        {
            if (Enumerable.Range(first, count).All(IsFree)) return first;
        }

        throw new InvalidOperationException("No run of free loopback ports between 18250 and 18900.");

        static bool IsFree(int port)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}

/// <summary>A signed-in person: their id, token and own HTTP client (through nginx).</summary>
public sealed record Person(Guid UserId, string Token, HttpClient Http);

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
