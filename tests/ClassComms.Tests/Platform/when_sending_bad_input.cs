using System.Net;
using System.Text.Json;
using Alba;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Bad input never answers 500 and never echoes what was sent. The endpoint-wide cases iterate over every
/// endpoint that takes a JSON body, discovered from the routing table, so a new endpoint is covered at once.
/// </summary>
public sealed class when_sending_bad_input(AppFixture app) : IntegrationTest(app)
{
    private const string Secret = "ZZSECRET-do-not-echo-ZZ";

    public sealed record JsonEndpoint(string Method, string Route, Type RequestType)
    {
        public string Url => System.Text.RegularExpressions.Regex.Replace(Route, "{[^}]+}", Guid.CreateVersion7().ToString());

        public override string ToString() => $"{Method} {Route}";
    }

    /// <summary>Every route of the API whose request is a JSON body, with its method and body type.</summary>
    private IReadOnlyList<JsonEndpoint> JsonBodyEndpoints()
    {
        var routes = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var found = new List<JsonEndpoint>();
        foreach (var route in routes)
        {
            var accepts = route.Metadata.GetMetadata<IAcceptsMetadata>();
            var methods = route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            if (accepts?.RequestType is null || !accepts.ContentTypes.Any(c => c.Contains("json"))) continue;
            found.AddRange(methods.Select(m => new JsonEndpoint(m, route.RoutePattern.RawText!, accepts.RequestType)));
        }

        // Guards against a discovery that silently finds nothing (the assertions below would then pass vacuously).
        Assert.Contains(found, e => e.Route == "/api/auth/login");
        Assert.Contains(found, e => e.Route == "/api/classes/{classId}/points");
        Assert.Contains(found, e => e.Route == "/api/conversations/{conversationId}/messages" && e.Method == "POST");
        Assert.True(found.Count >= 15, $"only {found.Count} JSON-body endpoints found");
        return found;
    }

    private Task<(HttpStatusCode Status, string Body, IScenarioResult Result)> PostRaw(JsonEndpoint endpoint, string json, Session? caller) =>
        Api.Send(HttpMethod.Post, endpoint.Url, null, caller, s =>
        {
            s.Post.RawJson(json).ToUrl(endpoint.Url);
            if (endpoint.Method != "POST") s.ConfigureHttpContext(c => c.Request.Method = endpoint.Method);
            Api.FromNewAddress(s);
        });

    private static void AssertProblem(JsonEndpoint endpoint, HttpStatusCode expected, HttpStatusCode status, string body, IScenarioResult result)
    {
        Assert.True(status == expected, $"{endpoint}: expected {(int)expected}, got {(int)status}: {body}");
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
    }

    [Fact]
    public async Task a_null_json_body_is_a_400_problem_naming_the_body_on_every_json_body_endpoint()
    {
        var leader = await Api.CreateSchool();
        foreach (var endpoint in JsonBodyEndpoints())
        {
            var (status, body, result) = await PostRaw(endpoint, "null", leader);
            AssertProblem(endpoint, HttpStatusCode.BadRequest, status, body, result);
            Assert.Contains("\"body\"", body);
        }
    }

    [Fact]
    public async Task a_megabyte_in_every_string_field_is_never_a_500_on_any_json_body_endpoint()
    {
        var leader = await Api.CreateSchool();
        var megabyte = new string('a', 1024 * 1024);
        foreach (var endpoint in JsonBodyEndpoints())
        {
            var json = JsonSerializer.Serialize(Sample(endpoint.RequestType, megabyte, 0), new JsonSerializerOptions(JsonSerializerDefaults.Web));
            var (status, body, result) = await PostRaw(endpoint, json, leader);
            Assert.True((int)status is >= 400 and < 500, $"{endpoint}: expected a 4xx, got {(int)status}: {body[..Math.Min(300, body.Length)]}");
            Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
            Assert.DoesNotContain(megabyte[..64], body);
        }
    }

    [Fact]
    public async Task a_megabyte_string_is_a_400_naming_the_field()
    {
        var world = await Api.CreateWorld();
        var megabyte = new string('a', 1024 * 1024);

        var cases = new (string Url, object Body, string Field)[]
        {
            ("/api/auth/login", new { email = megabyte, password = "x" }, "email"),
            ("/api/classes", new { name = megabyte }, "name"),
            ($"/api/classes/{world.ClassId}/skills", new { name = megabyte, positive = true, value = 1 }, "name"),
            ($"/api/classes/{world.ClassId}/points", new { skillId = world.Positive.Id, studentIds = world.Students, note = megabyte }, "note"),
            ($"/api/classes/{world.ClassId}/announcements", new { text = megabyte }, "text"),
            ("/api/conversations", new { studentId = world.Students[0], mode = "private", text = megabyte }, "text"),
        };
        foreach (var (url, body, field) in cases)
        {
            var caller = url.StartsWith("/api/auth") ? null : world.Teacher;
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, body, caller);
            Assert.True(problem.Errors?.ContainsKey(field) == true, $"{url}: the problem should name '{field}': {problem.Detail}");
        }
    }

    [Fact]
    public async Task an_empty_or_malformed_id_in_the_path_is_a_400_naming_the_route_value_on_every_route_with_an_id()
    {
        var leader = await Api.CreateSchool();
        var routes = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(r => r.RoutePattern.RawText!.StartsWith("/api/") && r.RoutePattern.Parameters.Count > 0)
            .SelectMany(r => (r.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Route: r.RoutePattern)))
            .ToList();
        Assert.True(routes.Count >= 15, $"only {routes.Count} routes with ids found");
        foreach (var (method, route) in routes)
        {
            foreach (var bad in new[] { Guid.Empty.ToString(), Secret })
            {
                // The first id of the route is bad, any other is a fresh GUID: the problem names the first.
                var first = route.Parameters[0].Name;
                var url = System.Text.RegularExpressions.Regex.Replace(route.RawText!, "{[^}]+}",
                    m => m.Value == "{" + first + "}" ? bad : Guid.CreateVersion7().ToString());
                var (status, body, result) = await Api.Send(new HttpMethod(method), url, method is "GET" or "DELETE" ? null : new { }, leader);
                Assert.True(status == HttpStatusCode.BadRequest, $"{method} {route.RawText} with {first}={bad}: expected 400, got {(int)status}: {body}");
                Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
                var problem = JsonSerializer.Deserialize<Problem>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
                Assert.Equal(first, Assert.Single(problem.Errors!.Keys));
                Assert.DoesNotContain(Secret, body);
            }
        }
    }

    [Fact]
    public async Task an_unparseable_query_value_is_a_400_naming_the_field_without_echoing_it()
    {
        var world = await Api.CreateWorld();
        var (status, body, result) = await Api.Send(HttpMethod.Get, $"/api/inbox?after={Secret}", null, world.Teacher);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
        Assert.DoesNotContain(Secret, body);
        var problem = JsonSerializer.Deserialize<Problem>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(problem.Errors?.ContainsKey("after") == true, body);
    }

    [Fact]
    public async Task an_unparseable_query_value_is_not_echoed_even_to_a_client_that_accepts_no_json()
    {
        var world = await Api.CreateWorld();
        var (status, body, _) = await Api.Send(HttpMethod.Get, $"/api/inbox?after={Secret}", null, world.Teacher,
            s => s.WithRequestHeader("Accept", "text/html"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain(Secret, body);
    }

    [Fact]
    public async Task malformed_json_is_a_400_problem_without_parser_internals()
    {
        var leader = await Api.CreateSchool();
        foreach (var json in new[] { "{ \"name\": tru", "{ \"name\": 12, \"teacherId\": \"" + Secret + "\" }", "[" + Secret })
        {
            var (status, body, result) = await Api.Send(HttpMethod.Post, "/api/classes", null, leader, s => s.Post.RawJson(json).ToUrl("/api/classes"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
            foreach (var internals in new[] { "lineNumber", "bytePosition", "LineNumber", "Path:", "System.", "ClassComms.", "Exception", Secret, "'Z'" })
            {
                Assert.DoesNotContain(internals, body);
            }
        }
    }

    [Fact]
    public async Task a_too_long_url_is_a_414_problem()
    {
        var world = await Api.CreateWorld();
        var url = $"/api/inbox?after=0&pad={new string('a', 10_000)}";
        var (status, body, result) = await Api.Send(HttpMethod.Get, url, null, world.Teacher);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, status);
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType ?? "");
        Assert.DoesNotContain("aaaaaaaa", body);
    }

    [Fact]
    public async Task too_many_code_attempts_are_a_429_problem()
    {
        var address = new IPAddress([10, 98, 0, 1]);
        HttpStatusCode status = default;
        IScenarioResult? last = null;
        for (var i = 0; i <= AppFixture.RedemptionsPerMinute; i++)
        {
            (status, _, last) = await Api.Send(HttpMethod.Post, "/api/guardians/register",
                new { code = "ABCD-EFGH-JKMN", name = "Someone", email = Support.Api.NewEmail("g"), password = Support.Api.Password }, null,
                s => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.StartsWith("application/problem+json", last!.Context.Response.ContentType ?? "");
        Assert.Equal("60", last.Context.Response.Headers.RetryAfter.ToString());
    }

    /// <summary>A plausible instance of <paramref name="type"/>: every string is <paramref name="text"/>, ids are fresh, lists hold one item.</summary>
    private static object? Sample(Type type, string text, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return text;
        if (underlying == typeof(Guid)) return Guid.CreateVersion7();
        if (underlying == typeof(bool)) return false;
        if (underlying == typeof(int) || underlying == typeof(long)) return 1;
        if (underlying.IsEnum) return Enum.GetValues(underlying).GetValue(0);
        if (depth > 3) return null;
        var element = underlying.IsArray ? underlying.GetElementType()
            : underlying.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(underlying) ? underlying.GetGenericArguments()[0]
            : null;
        if (element is not null) return new[] { Sample(element, text, depth + 1) };
        var values = new Dictionary<string, object?>();
        foreach (var property in underlying.GetProperties().Where(p => p.CanRead))
        {
            values[JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = Sample(property.PropertyType, text, depth + 1);
        }

        return values;
    }
}
