using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Walks every operation of <c>/openapi/v1.json</c>, as served by the host, and lists each one that misses what a generated
/// client needs, so a new endpoint cannot forget it. The document is also written to <c>.data/openapi/v1.json</c>, from which
/// <c>infra/openapi-client.sh</c> generates and compiles a TypeScript client.
/// </summary>
public sealed class when_reading_the_api_contract(AppFixture app) : IntegrationTest(app)
{
    private static readonly HashSet<int> ProblemStatuses = [400, 401, 403, 404, 409, 410, 412, 413, 416, 429];
    private static readonly HashSet<string> ProblemSchemas = ["#/components/schemas/ProblemDetails", "#/components/schemas/HttpValidationProblemDetails"];

    [Fact]
    public async Task every_operation_has_a_readable_unique_id_and_a_summary()
    {
        var (_, operations) = await ReadAsync();
        var missing = new List<string>();
        foreach (var op in operations)
        {
            var id = op.String("operationId");
            if (id is null || !Regex.IsMatch(id, "^[a-z][A-Za-z0-9]*$")) missing.Add($"{op}: operationId '{id}' is not camelCase");
            else if (id is "get" or "post" or "put" or "delete" or "list" or "handle") missing.Add($"{op}: operationId '{id}' names no slice");
            var summary = op.String("summary");
            if (string.IsNullOrWhiteSpace(summary) || summary == id || summary.Contains("_api_")) missing.Add($"{op}: no summary");
        }

        missing.AddRange(operations.GroupBy(o => o.String("operationId")).Where(g => g.Count() > 1)
            .Select(g => $"operationId '{g.Key}' is used by {string.Join(", ", g)}"));
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task every_operation_has_one_tag_that_is_a_feature_folder()
    {
        var (document, operations) = await ReadAsync();
        var features = typeof(Program).Assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("ClassComms.", StringComparison.Ordinal)).Select(n => n.Split('.')[1]).ToHashSet();
        features.Remove("Platform");
        var documentTags = document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToHashSet();

        var missing = new List<string>();
        foreach (var op in operations)
        {
            var tags = op.Element.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            if (tags.Count != 1 || !features.Contains(tags[0]!) || !documentTags.Contains(tags[0]))
                missing.Add($"{op}: tags [{string.Join(", ", tags)}] are not one feature folder");
        }

        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the document");
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task every_operation_documents_a_typed_success()
    {
        var (document, operations) = await ReadAsync();
        var missing = new List<string>();
        foreach (var op in operations)
        {
            var successes = Responses(op).Where(r => r.Key is >= 200 and < 300).ToList();
            if (successes.Count == 0) missing.Add($"{op}: no success response");
            foreach (var (status, response) in successes)
            {
                var content = response.TryGetProperty("content", out var c) ? c.EnumerateObject().ToList() : [];
                if (status == 204 && content.Count > 0) missing.Add($"{op}: 204 with a body");
                // 202 and 204 may be declared without a body; anything declared with one must say what it is.
                if (content.Count == 0 && status is not (202 or 204) || content.Any(m => !IsTyped(document, m.Value)))
                    missing.Add($"{op}: {status} has no typed body");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task every_operation_documents_its_problems_as_problem_details()
    {
        var (_, operations) = await ReadAsync();
        var missing = new List<string>();
        foreach (var op in operations)
        {
            var responses = Responses(op);
            foreach (var (status, response) in responses.Where(r => r.Key >= 400))
            {
                if (!ProblemStatuses.Contains(status)) missing.Add($"{op}: {status} is not a problem status the API answers");
                var schema = response.TryGetProperty("content", out var c) && c.TryGetProperty("application/problem+json", out var media)
                    ? media.GetProperty("schema").GetProperty("$ref").GetString()
                    : null;
                if (!ProblemSchemas.Contains(schema ?? "")) missing.Add($"{op}: {status} is not an application/problem+json ProblemDetails");
            }

            var parameters = op.Parameters.ToList();
            if ((parameters.Count > 0 || op.Element.TryGetProperty("requestBody", out _)) && !responses.ContainsKey(400))
                missing.Add($"{op}: takes input but documents no 400");
            if (parameters.Any(p => p.GetProperty("in").GetString() == "path") && !responses.ContainsKey(404))
                missing.Add($"{op}: names something in its route but documents no 404");
            if (op.Element.TryGetProperty("security", out _) && !responses.ContainsKey(401)) missing.Add($"{op}: secured but documents no 401");
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task the_upload_documents_its_multipart_file()
    {
        var (_, operations) = await ReadAsync();
        var upload = operations.Single(o => o.String("operationId") == "uploadAttachment");
        var schema = upload.Element.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", Format(schema.GetProperty("properties").GetProperty("file")));
    }

    [Fact]
    public async Task operations_needing_a_token_declare_the_bearer_scheme_and_refuse_a_call_without_one()
    {
        var (document, operations) = await ReadAsync();
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty(ApiContract.BearerScheme).GetProperty("scheme").GetString());
        var endpoints = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var missing = new List<string>();
        foreach (var op in operations)
        {
            var endpoint = endpoints.Single(e => e.RoutePattern.RawText?.TrimStart('/') == op.Path.TrimStart('/')
                && e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Contains(op.Method.ToUpperInvariant()));
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var declared = op.Element.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList()
                : [];
            if (anonymous)
            {
                if (declared.Contains(ApiContract.BearerScheme)) missing.Add($"{op}: anonymous but declares the bearer scheme");
                continue;
            }

            if (!declared.SequenceEqual([ApiContract.BearerScheme])) missing.Add($"{op}: needs a token but declares [{string.Join(", ", declared)}]");
            // Nothing runs: authentication answers before the endpoint (route values are any well-formed id).
            var url = Regex.Replace(op.Path, "{[^}]+}", Guid.CreateVersion7().ToString());
            var (status, _, _) = await Api.Send(new HttpMethod(op.Method.ToUpperInvariant()), url, null, null);
            if (status != HttpStatusCode.Unauthorized) missing.Add($"{op}: without a token answered {(int)status}, not 401");
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task id_parameters_are_uuids()
    {
        var (_, operations) = await ReadAsync();
        var missing = new List<string>();
        foreach (var op in operations)
        {
            foreach (var parameter in op.Parameters)
            {
                var name = parameter.GetProperty("name").GetString()!;
                if ((name == "id" || name.EndsWith("Id", StringComparison.Ordinal)) && Format(parameter.GetProperty("schema")) != "uuid")
                    missing.Add($"{op}: parameter {name} is not a uuid");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task ids_are_uuids_times_are_date_times_and_nullable_request_fields_are_optional()
    {
        var (document, operations) = await ReadAsync();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var missing = new List<string>();
        foreach (var schema in schemas.EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties)) continue;
            foreach (var property in properties.EnumerateObject())
            {
                var name = property.Name;
                var value = property.Value.TryGetProperty("items", out var items) && name.EndsWith("Ids", StringComparison.Ordinal) ? items : property.Value;
                // keyId names a signing key by its SHA-256 (Dpo/SchoolSigning), not an entity: hex, not a uuid.
                if ((name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal)) && name != "keyId" && Format(value) != "uuid")
                    missing.Add($"{schema.Name}.{name} is not a uuid");
                if (name.EndsWith("At", StringComparison.Ordinal) && Format(value) != "date-time") missing.Add($"{schema.Name}.{name} is not a date-time");
                if (Types(property.Value).Contains("string") && (Types(property.Value).Contains("integer") || Types(property.Value).Contains("number")))
                    missing.Add($"{schema.Name}.{name} is a number or a string");
            }
        }

        foreach (var body in RequestSchemas(document, operations))
        {
            var schema = schemas.GetProperty(body);
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
            foreach (var property in schema.TryGetProperty("properties", out var p) ? p.EnumerateObject() : default)
            {
                if (IsNullable(property.Value) && required.Contains(property.Name)) missing.Add($"{body}.{property.Name} is nullable but required");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task the_document_introduces_authentication_errors_cursors_and_pushes()
    {
        var (document, _) = await ReadAsync();
        var info = document.RootElement.GetProperty("info");
        Assert.Equal("ClassComms API", info.GetProperty("title").GetString());
        var introduction = info.GetProperty("description").GetString()!;
        foreach (var topic in new[] { "/api/auth/login", "/api/auth/refresh", "Bearer", "application/problem+json", "after={cursor", "/hubs/notifications",
                     "PointNotice", "MessageNotice", "ReadNotice" })
        {
            Assert.Contains(topic, introduction);
        }

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("PointNotice", out _), "the push payloads are in the document");
    }

    [Fact]
    public async Task the_reference_ui_is_served_only_where_the_operator_enables_it()
    {
        var (off, _, _) = await Api.Send(HttpMethod.Get, "/scalar", null, null);
        Assert.Equal(HttpStatusCode.NotFound, off);

        await using var enabled = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { ["OpenApi:ReferenceUi"] = "true" });
        var client = enabled.Server.CreateClient();
        var page = await client.GetAsync("/scalar");
        if (page.StatusCode == HttpStatusCode.Found) page = await client.GetAsync(page.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString());
    }

    private static Dictionary<int, JsonElement> Responses(Operation op) =>
        op.Element.GetProperty("responses").EnumerateObject().ToDictionary(r => int.Parse(r.Name), r => r.Value);

    private static HashSet<string?> Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToHashSet()
        : [type.GetString()];

    private static string? Format(JsonElement schema) => schema.TryGetProperty("format", out var f) ? f.GetString() : null;

    private static bool IsNullable(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null")
        || schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Any(IsNullable);

    /// <summary>A schema that says what the body is: a type, properties, items or a reference to such a component.</summary>
    private static bool IsTyped(JsonDocument document, JsonElement media)
    {
        if (!media.TryGetProperty("schema", out var schema)) return false;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            if (name is "IResult" or "Object") return false;
            schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema.TryGetProperty("type", out _) || schema.TryGetProperty("properties", out _) || schema.TryGetProperty("items", out _)
               || schema.TryGetProperty("oneOf", out _) || schema.TryGetProperty("allOf", out _);
    }

    private static IEnumerable<string> RequestSchemas(JsonDocument document, IEnumerable<Operation> operations)
    {
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var pending = new Stack<string>(operations.Where(o => o.Element.TryGetProperty("requestBody", out _))
            .SelectMany(o => References(o.Element.GetProperty("requestBody"))));
        var seen = new HashSet<string>();
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name) || !schemas.TryGetProperty(name, out var schema)) continue;
            foreach (var nested in References(schema)) pending.Push(nested);
        }

        return seen.Where(n => schemas.TryGetProperty(n, out _));
    }

    private static IEnumerable<string> References(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref") yield return property.Value.GetString()!.Split('/')[^1];
                    else foreach (var nested in References(property.Value)) yield return nested;
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                foreach (var nested in References(item)) yield return nested;
                break;
        }
    }

    private async Task<(JsonDocument Document, List<Operation> Operations)> ReadAsync()
    {
        var (status, body, _) = await Api.Send(HttpMethod.Get, "/openapi/v1.json", null, null);
        Assert.Equal(HttpStatusCode.OK, status);
        WriteForTheClientGenerator(body);
        var document = JsonDocument.Parse(body);
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(m => new Operation(path.Name, m.Name, m.Value)))
            .ToList();
        return (document, operations);
    }

    /// <summary><c>.data/openapi/v1.json</c> in the repository, for <c>infra/openapi-client.sh</c>.</summary>
    private static void WriteForTheClientGenerator(string body)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) continue;
            var target = Path.Combine(dir.FullName, ".data", "openapi");
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "v1.json"), body);
            return;
        }
    }

    private sealed record Operation(string Path, string Method, JsonElement Element)
    {
        public string? String(string name) => Element.TryGetProperty(name, out var value) ? value.GetString() : null;

        public IEnumerable<JsonElement> Parameters =>
            Element.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [];

        public override string ToString() => $"{Method.ToUpperInvariant()} {Path}";
    }
}
