using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClassComms.Benchmarks;

// The slice of the public HTTP and SignalR contract the benchmark uses (deliberately not a reference to the API assembly).
public sealed record Login(string Email, string Password);
public sealed record LoginSucceeded(string Token, Guid UserId, Guid SchoolId, string Role);
public sealed record NewPerson(string Name, string Email, string Password);
public sealed record CreateSchool(string Name, NewPerson Leader);
public sealed record CreateStaff(string Role, string Name, string Email);
public sealed record AcceptStaffInvitation(string Token, string Password);
public sealed record CreateClass(string Name, Guid? TeacherId);
public sealed record ClassSkill(Guid Id, bool Positive);
public sealed record ClassCreated(Guid ClassId, IReadOnlyList<ClassSkill> Skills);
public sealed record AwardPoints(Guid SkillId, IReadOnlyList<Guid> StudentIds, bool WholeClass, string? Note);
public sealed record AwardedPoint(Guid PointId, Guid StudentId);
public sealed record PointsAwarded(Guid AwardId, IReadOnlyList<AwardedPoint> Points);
public sealed record PointNotice(Guid PointId);
public sealed record NewStudent(string Name);
public sealed record EnrolStudents(IReadOnlyList<NewStudent> Students);
public sealed record StudentsEnrolled(IReadOnlyList<Guid> StudentIds);
public sealed record ParentCodeIssued(Guid CodeId, Guid StudentId, string Code);
public sealed record RegisterGuardian(string Code, string Name, string Email, string Password);
public sealed record ConfirmGuardianRegistration(string Token);
public sealed record RegistrationMail(string Email, string Token);
public sealed record StaffInvitationMail(string Email, string Token);
public sealed record StartConversation(Guid StudentId, string Mode, string Text, bool Urgent);
public sealed record StartedThread(Guid ConversationId, Guid MessageId, IReadOnlyList<Guid> GuardianIds);
public sealed record ConversationsStarted(IReadOnlyList<StartedThread> Threads);
public sealed record PostMessage(string Text);
public sealed record MessageAccepted(Guid ConversationId, Guid MessageId);
public sealed record PostAnnouncement(string Text);
public sealed record PostSchoolAnnouncement(string Text, bool Urgent);
public sealed record AnnouncementPosted(Guid ConversationId, Guid MessageId, int Recipients);
public sealed record MessageNotice(Guid MessageId, Guid ConversationId, string Kind);
public sealed record InboxMessage(Guid MessageId);
public sealed record InboxItem(long Cursor, InboxMessage Message);
public sealed record InboxPage(IReadOnlyList<InboxItem> Items, long Cursor);

/// <summary>A signed-in person: their token and their own HTTP client (Bearer header set).</summary>
public sealed record Person(Guid UserId, string Token, HttpClient Http);

/// <summary>The school the scenarios run in, built through the HTTP API only.</summary>
public sealed record World(Person Teacher, Guid ClassId, Guid SkillId, IReadOnlyList<Guid> Students, IReadOnlyList<Person> Guardians);

/// <summary>Runs the real ClassComms API (Release build) as a child process on a loopback port and drives it over HTTP and SignalR.</summary>
public sealed class ApiDriver : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<HttpClient> _clients = [];
    private readonly List<HubConnection> _hubs = [];

    public Uri BaseAddress { get; }

    /// <summary>The API process's id (its /proc/&lt;pid&gt;/status is read for memory).</summary>
    public int ProcessId => _process.Id;
    public string OperatorKey { get; }

    /// <summary>The development outbox the API writes guardian-registration confirmation mails to (the driver confirms from it).</summary>
    private static readonly string RegistrationOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-bench-registrations-{Guid.NewGuid():N}.jsonl");
    private static readonly string InvitationOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-bench-staff-invitations-{Guid.NewGuid():N}.jsonl");

    private ApiDriver(Process process, Uri baseAddress, string operatorKey)
    {
        _process = process;
        BaseAddress = baseAddress;
        OperatorKey = operatorKey;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>dotnet ClassComms.Api.dll</c> with production settings and fresh random secrets, then waits for /health/ready.</summary>
    /// <param name="environment">Settings applied last, over the defaults (e.g. shared keys and Redis for a second node).</param>
    public static async Task<ApiDriver> StartAsync(string apiDll, string martenConnection, string blobConnection, TimeSpan readyWithin,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(apiDll)) throw new FileNotFoundException($"API build not found; run `dotnet build -c Release src/ClassComms.Api` first.", apiDll);
        var port = FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var operatorKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var start = new ProcessStartInfo("dotnet", [apiDll, "--urls", address.ToString().TrimEnd('/')])
        {
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        // Production settings, but not the "Production" environment, which requires an SMTP relay and refuses the development outbox
        // that registrations are confirmed from here.
        env["ASPNETCORE_ENVIRONMENT"] = "Benchmark";
        env["DOTNET_ENVIRONMENT"] = "Benchmark";
        env["Guardians__Registration__OutboxPath"] = RegistrationOutbox;
        env["Staff__Invitation__OutboxPath"] = InvitationOutbox;
        // CLASSCOMMS_BENCH_API_CONNECTION_EXTRA: Npgsql settings appended to the API's connection string only (not the baseline's),
        // to measure a connection setting against the same baseline.
        env["ConnectionStrings__Marten"] = Environment.GetEnvironmentVariable("CLASSCOMMS_BENCH_API_CONNECTION_EXTRA") is { Length: > 0 } extra
            ? $"{martenConnection.TrimEnd(';')};{extra}"
            : martenConnection;
        env["ConnectionStrings__Blobs"] = blobConnection;
        env["PersonalData__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        env["PersonalData__LookupKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        env["PersonalData__AllowSharedKeyDatabase"] = "true"; // Production refuses keys in the event-store database otherwise
        env["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        env["Platform__OperatorKey"] = operatorKey;
        env["ParentCodes__RedemptionsPerMinute"] = "100000";
        // On a freshly recreated database: apply the schema at start, as Development does (Platform/StartupConfiguration.cs).
        // infra/bench.sh runs the API as production does, published by infra/publish.sh with its handler code generated before
        // the build (CLASSCOMMS_BENCH_GENERATED_CODE=Static); a plain Release build (an older commit's, say) generates and
        // compiles it with Roslyn at start (Dynamic, the default here), which loads the compiler and leaves the JIT re-compiling
        // its methods for minutes: not what a school's node runs.
        env["Startup__GeneratedCode"] = Environment.GetEnvironmentVariable("CLASSCOMMS_BENCH_GENERATED_CODE") is { Length: > 0 } mode ? mode : "Dynamic";
        env["Startup__ApplySchemaChanges"] = "true";
        env["Logging__LogLevel__Default"] = "Warning";
        env["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        if (!process.Start()) throw new InvalidOperationException("Could not start the API process.");
        var driver = new ApiDriver(process, address, operatorKey);
        process.OutputDataReceived += (_, e) => driver.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => driver.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < readyWithin)
        {
            if (process.HasExited) break;
            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) return driver;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        var why = process.HasExited ? $"exited with code {process.ExitCode}" : $"was not ready within {readyWithin.TotalSeconds:0} s";
        var tail = driver.Tail();
        await driver.DisposeAsync();
        throw new InvalidOperationException($"The API {why}. Last output:{Environment.NewLine}{tail}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 60) _tail.Dequeue();
        }
    }

    /// <summary>The last lines the API wrote (warnings and errors only at the configured log level).</summary>
    public string Tail()
    {
        lock (_tail) return string.Join(Environment.NewLine, _tail);
    }

    public HttpClient NewClient(string? token = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        var http = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        lock (_clients) _clients.Add(http);
        return http;
    }

    public static async Task<T> Post<T>(HttpClient http, string url, object body, HttpStatusCode expected = HttpStatusCode.Created,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        configure?.Invoke(request);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"POST {url}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public static async Task<T> Get<T>(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url}: expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task<Person> SignIn(string email)
    {
        var login = await Post<LoginSucceeded>(NewClient(), "/api/auth/login", new Login(email, Password), HttpStatusCode.OK);
        return new Person(login.UserId, login.Token, NewClient(login.Token));
    }

    private static async Task<string> RegistrationTokenFor(string email) =>
        (await MailTo<RegistrationMail>(RegistrationOutbox, m => m.Email == email)).Token;

    private static async Task<string> InvitationTokenFor(string email) =>
        (await MailTo<StaffInvitationMail>(InvitationOutbox, m => m.Email == email)).Token;

    private static async Task<T> MailTo<T>(string outbox, Func<T, bool> match)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(outbox))
            {
                string[] lines;
                try
                {
                    lines = await File.ReadAllLinesAsync(outbox);
                }
                catch (IOException)
                {
                    lines = [];
                }

                var mail = lines.Where(l => l.Length > 0).Select(l => System.Text.Json.JsonSerializer.Deserialize<T>(l,
                    System.Text.Json.JsonSerializerOptions.Web)!).LastOrDefault(match);
                if (mail is not null) return mail;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"No mail reached the outbox {Path.GetFileName(outbox)}.");
    }

    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@bench.classcomms.test";

    /// <summary>The leader of the school the last <see cref="BuildWorldAsync"/> built.</summary>
    public Person? Leader { get; private set; }

    /// <summary>
    /// CLASSCOMMS_BENCH_LEGACY_SIGNUP=1: the API under test predates staff invitations and registration confirmation (before
    /// 8540dc6): the leader gives a new teacher's password and registering signs a guardian up at once. Only for before/after
    /// runs against such an old build (CLASSCOMMS_BENCH_API_DLL); the world built is the same.
    /// </summary>
    private static readonly bool LegacySignUp = Environment.GetEnvironmentVariable("CLASSCOMMS_BENCH_LEGACY_SIGNUP") == "1";

    /// <summary>A member of staff of the leader's school (invited, accepted, signed in), e.g. the DPO.</summary>
    public async Task<Person> AddStaffAsync(Person leader, string role, string name)
    {
        var email = NewEmail(role);
        await Post<object>(leader.Http, "/api/staff", new CreateStaff(role, name, email));
        await Post<object>(NewClient(), "/api/staff/invitations/accept", new AcceptStaffInvitation(await InvitationTokenFor(email), Password));
        return await SignIn(email);
    }

    /// <summary>School, leader, teacher, one class of <paramref name="students"/>, one guardian per student (parent code → register → sign in).</summary>
    public async Task<World> BuildWorldAsync(int students)
    {
        var anonymous = NewClient();
        var leaderEmail = NewEmail("leader");
        await Post<object>(anonymous, "/api/schools", new CreateSchool("Benchmark School", new NewPerson("Bea Leader", leaderEmail, Password)),
            configure: r => r.Headers.Add("X-Operator-Key", OperatorKey));
        var leader = await SignIn(leaderEmail);
        Leader = leader;

        var teacherEmail = NewEmail("teacher");
        if (LegacySignUp)
        {
            await Post<object>(leader.Http, "/api/staff", new { role = "teacher", name = "Tess Teacher", email = teacherEmail, password = Password });
        }
        else
        {
            await Post<object>(leader.Http, "/api/staff", new CreateStaff("teacher", "Tess Teacher", teacherEmail));
            await Post<object>(anonymous, "/api/staff/invitations/accept", new AcceptStaffInvitation(await InvitationTokenFor(teacherEmail), Password));
        }

        var teacher = await SignIn(teacherEmail);

        var created = await Post<ClassCreated>(teacher.Http, "/api/classes", new CreateClass("Benchmark class", null));
        var enrolled = await Post<StudentsEnrolled>(teacher.Http, $"/api/classes/{created.ClassId}/students",
            new EnrolStudents(Enumerable.Range(1, students).Select(i => new NewStudent($"Student {i:00}")).ToList()));

        // Registration and sign-in hash passwords (PBKDF2); a little parallelism keeps setup short without swamping 2 cores.
        var guardians = new Person[students];
        await Parallel.ForAsync(0, students, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (i, _) =>
        {
            var code = await Post<ParentCodeIssued>(teacher.Http, $"/api/students/{enrolled.StudentIds[i]}/parent-codes", new { });
            var email = NewEmail($"guardian{i:00}");
            if (LegacySignUp)
            {
                await Post<object>(anonymous, "/api/guardians/register", new RegisterGuardian(code.Code, $"Guardian {i:00}", email, Password));
            }
            else
            {
                await Post<object>(anonymous, "/api/guardians/register", new RegisterGuardian(code.Code, $"Guardian {i:00}", email, Password),
                    HttpStatusCode.Accepted);
                await Post<object>(anonymous, "/api/guardians/register/confirm", new ConfirmGuardianRegistration(await RegistrationTokenFor(email)));
            }

            guardians[i] = await SignIn(email);
        });

        return new World(teacher, created.ClassId, created.Skills.First(k => k.Positive).Id, enrolled.StudentIds, guardians);
    }

    /// <summary>Connects a guardian to /hubs/notifications over WebSockets (no negotiation round trip), recording MessageReceived and PointAwarded arrivals.</summary>
    public async Task ConnectAsync(Person guardian, int receiver, Receipts<Guid> receipts)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/notifications"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(guardian.Token);
            })
            .Build();
        hub.On<MessageNotice>("MessageReceived", n => receipts.Arrived(receiver, n.MessageId));
        hub.On<PointNotice>("PointAwarded", n => receipts.Arrived(receiver, n.PointId));
        hub.On<StoryNotice>("StoryPostPublished", n => receipts.Arrived(receiver, n.PostId));
        await hub.StartAsync();
        lock (_hubs) _hubs.Add(hub);
    }

    /// <summary>CPU time the API process has used so far.</summary>
    public TimeSpan ProcessorTime() => ChildProcess.ProcessorTime(_process);

    /// <summary>Synchronous last resort (Ctrl+C, watchdog): kill the API process we started.</summary>
    public void Kill() => ChildProcess.Kill(_process);

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            try
            {
                await hub.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // The API is about to be killed anyway.
            }
        }

        foreach (var http in _clients) http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }

        _process.Dispose();
    }
}
