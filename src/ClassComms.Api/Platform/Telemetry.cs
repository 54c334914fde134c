using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Points;
using ClassComms.Privacy;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wolverine;

namespace ClassComms.Platform;

/// <summary>
/// Traces, metrics and logs. Traces and metrics cover ASP.NET Core, HttpClient, Npgsql, Marten, Wolverine and the service's own
/// spans and business counters; they leave the process over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Logs are
/// JSON lines on the console, with one line per request that names the route template, never the path or query string.
/// Nothing recorded here carries personal data: ids, counts, types and route templates only.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "classcomms-api";

    /// <summary>The service's own ActivitySource and Meter.</summary>
    public const string SourceName = "ClassComms";

    /// <summary>ActivitySources and Meters of the libraries: Npgsql (built in, no extra package), Marten and Wolverine.</summary>
    public static readonly string[] LibrarySources = ["Npgsql", "Marten", "Wolverine"];

    public static readonly ActivitySource Source = new(SourceName);

    public static WebApplicationBuilder AddClassCommsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        // Hosting's own request lines and scopes carry the raw URL, query string (and so a SignalR access_token) included;
        // RequestLog writes the request line instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<IStartupFilter, RequestLogStartupFilter>();

        builder.Services.AddSingleton<BusinessMetrics>();
        builder.Services.AddSingleton<CommittedEventCounter>();
        builder.Services.AddSingleton<IWireTap, DeadLetteredPushCounter>();
        builder.Services.ConfigureWolverine(opts => opts.Policies.AllLocalQueues(q => q.UseWireTap()));
        builder.Services.ConfigureMarten((sp, opts) =>
        {
            // Marten's connection spans (TrackConnections) stay off: the span of a request's session is not ended when the
            // request is, so the outbox envelopes it parents would point at a span that is never exported. Npgsql's command
            // spans show the same database work under the request and handler spans.
            opts.OpenTelemetry.TrackEventCounters();
            opts.Listeners.Add(sp.GetRequiredService<CommittedEventCounter>());
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoBackgroundPolling()))
                .AddAspNetCoreInstrumentation(o =>
                {
                    // The query string may hold the SignalR access_token: keep it out of spans entirely.
                    o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                    o.EnrichWithHttpResponse = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation()
                .AddSource(LibrarySources)
                .AddSource(SourceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(LibrarySources)
                .AddMeter("System.Runtime", SourceName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();
        return builder;
    }
}

/// <summary>
/// Samples every trace that starts with a request, a message or a projection batch, and drops the ones the background
/// polling loops start on their own: a database or HTTP client call with no parent, the async daemon's high-water-mark poll
/// and Wolverine's node-assignment poll. Work anyone asked for always has a parent, so it is never dropped here.
/// </summary>
public sealed class NoBackgroundPolling : Sampler
{
    private static readonly HashSet<string> PollingSpans = ["marten.daemon.highwatermark", "wolverine_node_assignments"];

    public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
        new(parameters.Kind == ActivityKind.Client || PollingSpans.Contains(parameters.Name)
            ? SamplingDecision.Drop
            : SamplingDecision.RecordAndSample);
}

/// <summary>The business counters (Meter <c>ClassComms</c>). Tags are low-cardinality kinds, never ids or names.</summary>
public sealed class BusinessMetrics
{
    private readonly Counter<long> _pointsAwarded;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _pushesDelivered;
    private readonly Counter<long> _pushesHeld;
    private readonly Counter<long> _pushesDeadLettered;
    private readonly Counter<long> _erasuresRequested;
    private readonly Counter<long> _erasuresCompleted;

    public BusinessMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.SourceName);
        _pointsAwarded = meter.CreateCounter<long>("classcomms.points.awarded", "{point}", "Points awarded (committed), one per student.");
        _messagesSent = meter.CreateCounter<long>("classcomms.messages.sent", "{message}", "Messages and announcements posted (committed).");
        _pushesDelivered = meter.CreateCounter<long>("classcomms.pushes.delivered", "{recipient}", "Notices handed to SignalR, counted per recipient.");
        _pushesHeld = meter.CreateCounter<long>("classcomms.pushes.held", "{recipient}", "Message notices held back by quiet hours (scheduled for later).");
        _pushesDeadLettered = meter.CreateCounter<long>("classcomms.pushes.dead_lettered", "{notice}", "Push notices that failed every retry and went to the dead-letter table.");
        _erasuresRequested = meter.CreateCounter<long>("classcomms.erasures.requested", "{erasure}", "Erasures requested (committed).");
        _erasuresCompleted = meter.CreateCounter<long>("classcomms.erasures.completed", "{erasure}", "Erasures completed (committed).");
    }

    /// <summary>Sends one notice to <paramref name="recipients"/> inside a <c>push {kind}</c> span, and counts it delivered.</summary>
    public async Task PushAsync(string kind, int recipients, Func<Task> send)
    {
        using var span = Telemetry.Source.StartActivity($"push {kind}", ActivityKind.Producer);
        span?.SetTag("classcomms.push.kind", kind);
        span?.SetTag("classcomms.push.recipients", recipients);
        await send();
        _pushesDelivered.Add(recipients, new KeyValuePair<string, object?>("kind", kind));
    }

    public void PushHeld() => _pushesHeld.Add(1);

    internal void PushDeadLettered(string kind) => _pushesDeadLettered.Add(1, new KeyValuePair<string, object?>("kind", kind));

    internal void Committed(IEnumerable<object> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case PointAwarded point:
                    _pointsAwarded.Add(1, new KeyValuePair<string, object?>("positive", point.Positive));
                    break;
                case MessagePosted message:
                    _messagesSent.Add(1, new KeyValuePair<string, object?>("urgent", message.Urgent));
                    break;
                case ErasureRequested request:
                    _erasuresRequested.Add(1, new KeyValuePair<string, object?>("subject_kind", request.SubjectKind));
                    break;
                case ErasureCompleted:
                    _erasuresCompleted.Add(1);
                    break;
            }
        }
    }
}

/// <summary>Counts points, messages and erasures from the events of each commit, so a refused or rolled-back request counts nothing.</summary>
public sealed class CommittedEventCounter(BusinessMetrics metrics) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        metrics.Committed(commit.GetEvents().Select(e => e.Data));
        return Task.CompletedTask;
    }
}

/// <summary>
/// Counts push notices that failed every retry and went to the dead-letter table: a wire tap on the local queues, whose
/// failure callback Wolverine calls only once its error policies are exhausted.
/// </summary>
public sealed class DeadLetteredPushCounter(BusinessMetrics metrics) : IWireTap
{
    public ValueTask RecordSuccessAsync(Envelope envelope) => ValueTask.CompletedTask;

    public ValueTask RecordFailureAsync(Envelope envelope, Exception exception)
    {
        var kind = envelope.Message switch
        {
            PointsChanged => "points",
            MessageChanged => "message",
            DeliverMessageNotice => "message.held",
            MessagesReadNotice => "messages.read",
            Portfolios.PortfolioChanged => "portfolio",
            _ => null,
        };
        if (kind is not null) metrics.PushDeadLettered(kind);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Puts <see cref="RequestLog"/> in front of the whole pipeline, so it sees every request and its final status.</summary>
public sealed class RequestLogStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestLog>();
        next(app);
    };
}

/// <summary>
/// One log line per request: method, route template (<c>/api/classes/{classId}/points</c>, never the path with its ids nor
/// the query string), status, duration and trace id.
/// </summary>
public sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> logger)
{
    public const string Unmatched = "(no route)";

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(http);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            var status = failed && !http.Response.HasStarted ? StatusCodes.Status500InternalServerError : http.Response.StatusCode;
            var elapsed = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            Answered(logger, http.Request.Method, route, status, elapsed, Activity.Current?.TraceId.ToString() ?? "");
        }
    }

    [LoggerMessage(EventId = 1, EventName = "RequestAnswered", Level = LogLevel.Information,
        Message = "{Method} {Route} answered {StatusCode} in {DurationMs} ms (trace {TraceId})")]
    private static partial void Answered(ILogger logger, string method, string route, int statusCode, double durationMs, string traceId);
}
