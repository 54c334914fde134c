using ClassComms.AccessLog;
using ClassComms.Accounts;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.Demo;
using ClassComms.Dpo;
using ClassComms.ErasureRequests;
using ClassComms.Exports;
using ClassComms.Guardians;
using ClassComms.Incidents;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Privacy;
using ClassComms.Rectification;
using ClassComms.Retention;
using ClassComms.StudentAccounts;
using ClassComms.Web;
using JasperFx;
using Wolverine;
using Wolverine.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddClassCommsStartup(); // per environment: generated code, schema changes (Platform/StartupConfiguration.cs)
builder.AddClassCommsRequestLimits();
builder.AddClassCommsTelemetry();
builder.Services.AddClassCommsCors(builder.Configuration);

// Privacy seam: per-subject keys, sealing, blind indexes.
builder.Services.AddPersonalData(builder.Configuration);

// Events, documents, projections (Marten) and messaging with a durable outbox (Wolverine).
builder.Services.AddClassCommsStorage(builder.Configuration);
builder.Host.UseWolverine(opts => opts.UseClassCommsMessaging());
builder.Services.AddSingleton<SessionOutbox>(); // commits a session opened by hand together with its messages (Platform/SessionOutbox.cs)
builder.Services.AddSingleton<ClusterRedis>(); // what the nodes share in Redis when ConnectionStrings:Redis is set (rate limits)
builder.Services.AddWolverineHttp();

// Identity, tenancy (school claim) and the features' own services.
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddClassCommsAuth();
builder.Services.AddGuardians(builder.Configuration);
builder.Services.AddRectification(builder.Configuration);
builder.Services.AddConversations(builder.Configuration);
builder.Services.AddMedia(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration); // the hub and the pushes; Redis backplane when ConnectionStrings:Redis is set
builder.Services.AddPrivacy(builder.Configuration);
builder.Services.AddConsents(builder.Configuration); // consents, dates of birth, age of consent (Consents/)
builder.Services.AddDpo(); // the school's signing key and subject-request deadlines (Dpo/)
builder.Services.AddErasureRequests(); // erasure requests, decisions, certificates, what is due (ErasureRequests/)
builder.Services.AddRetention(builder.Configuration); // retention policies, their schedule and runs (Retention/)
builder.Services.AddStudentAccounts();
builder.Services.AddAccessLog(); // staff reads of student data, hash-chained per school (AccessLog/)
builder.Services.AddIncidents(builder.Configuration); // the incident register's reminder mails (Incidents/)
builder.Services.AddExports(); // subject access exports: built in the background, signed, stored encrypted (Exports/)

// Health, OpenAPI, ProblemDetails.
builder.Services.AddClassCommsHealth();
builder.Services.AddClassCommsApiContract(); // OpenAPI document and reference UI (Platform/ApiContract.cs)
builder.Services.AddClassCommsProblems();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddDemo(builder.Configuration);
builder.Services.AddClassCommsWebApp(); // the web app's files and its fallback page (Web/WebApp.cs)

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseClassCommsRequestLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapClassCommsHealth();
app.MapHub<NotificationHub>(NotificationHub.Path, hub => hub.CloseOnAuthenticationExpiration = true);
app.MapWolverineEndpoints(opts =>
{
    opts.TenantId.IsClaimTypeNamed(Caller.SchoolClaim);
    opts.RequireAuthorizeOnAll();
    opts.RejectUnparseableQueryValues = true;
    opts.AddPolicy<RejectedRequestsPolicy>();
    opts.AddParameterHandlingStrategy<RouteIdBinding>(); // Guid {id} route values: a malformed one is a 400 naming it
    opts.AddParameterHandlingStrategy<CallerBinding>(); // a Caller parameter: who calls, from the bearer token
    opts.AddPolicy<ApiResponsesPolicy>();
});

app.MapClassCommsApiContract();
app.MapClassCommsWebApp(); // src/ClassComms.Web's build, same origin, strict CSP; absent → the API alone

// No arguments: serve. Otherwise a JasperFx command: describe, resources, projections, codegen, erasure, keys (README).
return await app.RunJasperFxCommands(DescribeWithoutSecretsCommand.Redirect(args));

public partial class Program;
