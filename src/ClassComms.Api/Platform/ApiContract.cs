using System.Text.Json.Nodes;
using ClassComms.Notifications;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Wolverine.Http;

namespace ClassComms.Platform;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) a client is generated from, and the reference UI (Scalar, <c>/scalar</c>)
/// where the operator enables it (<c>OpenApi:ReferenceUi</c>; on in Development). Responses come from the endpoints'
/// metadata (<see cref="ApiResponsesPolicy"/>); summaries and descriptions from their XML comments (the OpenAPI source
/// generator); this adds what a client needs on top: readable operation ids, one tag per feature folder, the bearer and
/// operator-key schemes on the operations that need them, optional nullable request fields, the push payloads and an
/// introduction.
/// </summary>
public static class ApiContract
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string BearerScheme = "bearer";
    public const string OperatorKeyScheme = "operatorKey";

    public static IServiceCollection AddClassCommsApiContract(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperation);
            options.AddSchemaTransformer(NumbersAsNumbers);
            options.AddSchemaTransformer(OptionalWhenNullable);
        });

    /// <summary>The document, always (anonymous); the reference UI when <c>OpenApi:ReferenceUi</c> is true (default: Development only).</summary>
    public static void MapClassCommsApiContract(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        if (!app.Configuration.GetValue("OpenApi:ReferenceUi", app.Environment.IsDevelopment())) return;
        app.MapScalarApiReference(ui => ui
                .WithTitle("ClassComms API")
                .AddPreferredSecuritySchemes(BearerScheme)
                .AddHttpAuthentication(BearerScheme, bearer => bearer.Token = "")
                .DisableTelemetry())
            .AllowAnonymous();
    }

    /// <summary>
    /// <c>awardPoints</c> for <c>AwardPointsEndpoint.Post</c>: the slice's class without "Endpoint". A class that holds several
    /// endpoints names each by its method (unless the method is a bare verb); an explicit <c>OperationId</c> wins.
    /// </summary>
    public static string OperationIdOf(HttpChain chain)
    {
        if (chain.HasExplicitOperationId) return chain.OperationId;
        var type = chain.Method.HandlerType;
        var slice = type.Name;
        foreach (var suffix in new[] { "Endpoints", "Endpoint" })
        {
            if (slice.EndsWith(suffix, StringComparison.Ordinal) && slice.Length > suffix.Length) slice = slice[..^suffix.Length];
        }

        var method = chain.Method.Method.Name;
        var endpointsInClass = type.GetMethods().Count(m => m.GetCustomAttributes(typeof(WolverineHttpMethodAttribute), false).Length > 0);
        var name = endpointsInClass <= 1 ? slice
            : method is "Get" or "Post" or "Put" or "Delete" or "Patch" or "Handle" ? method + slice
            : method;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>The feature folder of the slice: <c>Points</c> for <c>ClassComms.Points</c>.</summary>
    public static string FeatureOf(HttpChain chain) => chain.Method.HandlerType.Namespace!.Split('.')[^1];

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor is not WolverineActionDescriptor { Chain: var chain }) return Task.CompletedTask;

        // Wolverine's defaults are machine strings (POST_api_classes_classId_points) for all three.
        var machine = chain.ToString();
        if (operation.Summary == machine) operation.Summary = null;
        if (operation.Description == machine) operation.Description = null;
        operation.OperationId = OperationIdOf(chain);
        operation.Tags = new HashSet<OpenApiTagReference> { new(FeatureOf(chain), context.Document) };

        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var scheme = ApiResponsesPolicy.RequiresBearer(metadata) ? BearerScheme
            : metadata.OfType<OperatorKeyAttribute>().Any() ? OperatorKeyScheme
            : null;
        operation.Security = scheme is null ? null
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];

        // An endpoint that streams a multipart file itself has no bound body for the generator to describe.
        if (metadata.OfType<StreamedFileAttribute>().FirstOrDefault() is { } file && operation.RequestBody is null)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["multipart/form-data"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { file.Field },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                [file.Field] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                            },
                        },
                    },
                },
            };
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (Explanations.TryGetValue(status, out var text) && response is OpenApiResponse concrete) concrete.Description = text;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Numbers are written as JSON numbers. The web serializer also reads them from strings, which makes every integer
    /// "integer or string" with a pattern in the schema (and <c>number | string</c> in a generated client); the contract
    /// states what is written.
    /// </summary>
    private static Task NumbersAsNumbers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String)
            && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A nullable property may be left out of a request: JSON <c>null</c> and absent mean the same, so it is not required
    /// (System.Text.Json's schema marks every constructor parameter required).
    /// </summary>
    private static Task OptionalWhenNullable(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Required is not { Count: > 0 } required || schema.Properties is null) return Task.CompletedTask;
        foreach (var (name, property) in schema.Properties)
        {
            if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null)) required.Remove(name);
        }

        return Task.CompletedTask;
    }

    private static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ClassComms API",
            Version = "v1",
            Description = Introduction,
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The access token from `POST /api/auth/login` (or `/api/auth/refresh`), valid 15 minutes by default.",
        };
        document.Components.SecuritySchemes[OperatorKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = OperatorKeyAttribute.Header,
            Description = "The platform operator's key (`Platform:OperatorKey`); only for provisioning schools.",
        };

        // Push payloads (SignalR, not HTTP): in the document so a generated client has their types too.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var push in new[] { typeof(PointNotice), typeof(MessageNotice), typeof(ReadNotice), typeof(Portfolios.PortfolioNotice) })
        {
            var schema = await context.GetOrCreateSchemaAsync(push, null, ct);
            schema.Required?.Clear();
            foreach (var name in schema.Properties?.Keys ?? []) schema.Required?.Add(name);
            document.Components.Schemas.TryAdd(push.Name, schema);
        }

        // One tag per feature folder, in the order the README presents them.
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name!).ToHashSet();
        document.Tags = new HashSet<OpenApiTag>(Features.Where(f => used.Contains(f.Name!)).Concat(
            used.Where(u => Features.All(f => f.Name != u)).Order().Select(u => new OpenApiTag { Name = u })));
    }

    private static readonly OpenApiTag[] Features =
    [
        new() { Name = "Accounts", Description = "Sign-in, sessions, tokens, passwords, staff." },
        new() { Name = "Schools", Description = "Provisioning a school (platform operator)." },
        new() { Name = "Classes", Description = "Classes, their skills and their students." },
        new() { Name = "Points", Description = "Feedback points: awards, removals, a student's history, class statistics." },
        new() { Name = "Students", Description = "Students, parent codes, guardian links and restrictions." },
        new() { Name = "Guardians", Description = "Guardian registration, linked children and the feed." },
        new() { Name = "Conversations", Description = "Threads, announcements, messages, read receipts and the inbox." },
        new() { Name = "Media", Description = "Attachments: encrypted upload and download." },
        new() { Name = "Notifications", Description = "Quiet hours and muted classes (pushes themselves are SignalR: see the introduction)." },
        new() { Name = "Privacy", Description = "Erasure of students and guardians (DPO)." },
        new() { Name = "StudentAccounts", Description = "Student accounts: login codes (class sheets, a guardian at home) and code sign-in." },
        new() { Name = "Portfolios", Description = "Students' portfolios: items, media, approval and comments." },
    ];

    private static readonly Dictionary<string, string> Explanations = new()
    {
        ["400"] = "The request is invalid: `errors` names each field (`body` for a missing or malformed JSON body). Submitted values are never echoed.",
        ["401"] = "No valid credentials: the access token is missing, expired or revoked (refresh it, or sign in again).",
        ["403"] = "The caller's role may never do this.",
        ["404"] = "It does not exist, or the caller may not know that it exists.",
        ["409"] = "A rule conflict, a concurrent change or a duplicate; nothing was changed.",
        ["410"] = "The person concerned has been erased.",
        ["412"] = "`If-Match` names a version that is no longer current; read it again.",
        ["413"] = "The content is larger than allowed, or the uploader's quota is used up.",
        ["416"] = "The `Range` asked for is outside the content.",
        ["429"] = "Too many attempts; `Retry-After` says when to try again.",
    };

    /// <summary>The document's introduction (Markdown): what every client needs before the first call.</summary>
    public const string Introduction =
        """
        A privacy-first, event-sourced backend for classroom communication: feedback points, conversations between staff and
        families, encrypted media, and cryptographic erasure. Every id is an opaque UUID; no endpoint answers with another
        school's data or says whether something it hides exists.

        ## Authentication
        1. `POST /api/auth/login` with `email` and `password` answers an **access token** (a JWT, 15 minutes by default),
           a one-time **refresh token**, and the person's `memberships` (one per school and role). Send the access token as
           `Authorization: Bearer {token}` on every other call.
        2. Before the access token expires, `POST /api/auth/refresh` with the refresh token: it answers a new pair, and the
           old refresh token stops working (using it again ends the session: 401).
        3. `POST /api/auth/switch-school` moves to another membership; `POST /api/auth/logout` ends this session.
        A password change or reset, an erasure, an unlinking or a custody restriction ends sessions at once (401 on the next call).
        Sign-in and code redemptions are throttled: 429 with `Retry-After`. The platform operator provisions schools with the
        `X-Operator-Key` header instead of a token.

        ## Errors
        Every error is an RFC 7807 problem (`application/problem+json`): 400 names the field in `errors` and never quotes a
        submitted value; 404 for what does not exist or the caller may not know exists; 403 for a role that may never do it;
        409 for rule conflicts and concurrent changes; 410 for erased people; 412 for a stale `If-Match`; 429 for too many
        attempts. A request answered with a 4xx changes nothing.

        ## Cursors and pages
        - The guardian feed (`GET /api/guardians/me/feed`) and the inbox (`GET /api/inbox`) are read **oldest first after a
          cursor**: `?after={cursor}&limit=`; each item carries its `cursor`, and cursors never skip an item, so reading
          after the last cursor you saw gives exactly what is new.
        - A thread (`GET /api/conversations/{id}/messages`) and a student's points (`GET /api/students/{id}/points`) are
          read **newest first before a position**: `?before=&limit=`.
        - `GET /api/classes/{id}` answers an `ETag`; send it back as `If-Match` on changes to the class (412 when stale).

        ## Pushes (SignalR)
        Hub `/hubs/notifications`, with the access token (`access_token` query parameter for WebSockets). Each connection
        receives only what its person may see; the server closes it when the token expires or the session ends. A push is a
        hint sent once the item is readable, never the content itself: it carries ids, flags and the item's `cursor`
        (`GET /api/guardians/me/feed?after={cursor-1}` or `GET /api/inbox?after={cursor-1}` returns it first). On every
        (re)connect, read the feed and the inbox after your last cursor: nothing is lost when a push is.

        | Method | Payload (schema) |
        | --- | --- |
        | `PointAwarded`, `PointRemoved` | `PointNotice` |
        | `MessageReceived`, `MessageWithdrawn` | `MessageNotice` |
        | `MessagesRead` | `ReadNotice` |
        | `PortfolioChanged` | `PortfolioNotice` (`GET /api/students/{studentId}/portfolio?after={cursor-1}`) |
        """;
}
