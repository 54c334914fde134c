using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace ClassComms.Platform;

/// <summary>
/// The problem statuses an endpoint answers beyond the convention (<see cref="ApiResponsesPolicy"/>), e.g.
/// <c>[ProducesProblems(403, 409)]</c>. Each is documented as <c>application/problem+json</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemsAttribute(params int[] statusCodes) : Attribute
{
    public IReadOnlyList<int> StatusCodes { get; } = statusCodes;
}

/// <summary>The endpoint is for the platform operator, who sends <c>X-Operator-Key</c> instead of a bearer token.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OperatorKeyAttribute : Attribute
{
    public const string Header = "X-Operator-Key";
}

/// <summary>The endpoint reads a <c>multipart/form-data</c> body with one file in <see cref="Field"/> itself (streamed).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StreamedFileAttribute(string field) : Attribute
{
    public string Field { get; } = field;
}

/// <summary>
/// The documented responses of every Wolverine endpoint, decided once so a new endpoint cannot forget them. Endpoints
/// return <see cref="IResult"/>, which says nothing about the body; each declares its success with
/// <c>[ProducesResponseType&lt;T&gt;(status)]</c> (<c>[ProducesResponseType(204)]</c> without a body) and its
/// extra problems with <see cref="ProducesProblemsAttribute"/>. This policy replaces Wolverine's guesses (200 <c>IResult</c>,
/// a bodiless 404) by those, plus the problems the platform itself answers:
/// <list type="bullet">
/// <item>400 (<see cref="HttpValidationProblemDetails"/>) when the endpoint takes any input: a route value, a query value,
/// a body or a file;</item>
/// <item>401 when it needs a bearer token, or the operator key;</item>
/// <item>404 when its route names something;</item>
/// <item>429 when it is rate limited.</item>
/// </list>
/// Problems are <c>application/problem+json</c>; <c>Platform/when_reading_the_api_contract.cs</c> walks the document.
/// </summary>
public sealed class ApiResponsesPolicy : IHttpPolicy
{
    public const string ProblemContentType = "application/problem+json";

    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains) chain.Finally(builder => Normalize(chain, builder.Metadata));
    }

    private static void Normalize(HttpChain chain, IList<object> metadata)
    {
        var responses = new List<ResponseMetadata>();
        foreach (var declared in metadata.OfType<IApiResponseMetadataProvider>())
        {
            var contentTypes = new MediaTypeCollection();
            declared.SetContentTypes(contentTypes);
            responses.Add(Declared(declared.StatusCode, declared.Type, contentTypes));
        }

        foreach (var declared in metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m is not ResponseMetadata))
        {
            // Wolverine's own guesses: "200 IResult" (says nothing), a bodiless 404, a 400 on every endpoint whose middleware
            // may answer a problem. The convention below decides the problems instead.
            if (declared.Type == typeof(IResult) || (declared.StatusCode >= 400 && declared is not Attribute)) continue;
            responses.Add(Declared(declared.StatusCode, declared.Type, declared.ContentTypes));
        }

        var problems = new SortedSet<int>(metadata.OfType<ProducesProblemsAttribute>().SelectMany(p => p.StatusCodes));
        var routeValues = chain.RoutePattern?.Parameters.Count ?? 0;
        var body = chain.RequestType is { } requestType && requestType != typeof(void);
        if (routeValues > 0 || body || chain.IsFormData || TakesQueryValues(chain)) problems.Add(400);
        if (RequiresBearer(metadata) || metadata.OfType<OperatorKeyAttribute>().Any()) problems.Add(401);
        if (routeValues > 0) problems.Add(404);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any()) problems.Add(429);
        foreach (var status in problems.Where(s => responses.All(r => r.StatusCode != s)))
        {
            responses.Add(new ResponseMetadata(status, status == 400 ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails),
                [ProblemContentType]));
        }

        for (var i = metadata.Count - 1; i >= 0; i--)
        {
            if (metadata[i] is IProducesResponseTypeMetadata or IApiResponseMetadataProvider) metadata.RemoveAt(i);
        }

        foreach (var response in responses.GroupBy(r => r.StatusCode).Select(g => g.First()).OrderBy(r => r.StatusCode))
        {
            metadata.Add(response);
        }
    }

    /// <summary>Whether the endpoint needs a bearer token (every endpoint does unless it allows anonymous callers).</summary>
    public static bool RequiresBearer(IEnumerable<object> metadata)
    {
        var list = metadata as IList<object> ?? metadata.ToList();
        return list.OfType<IAuthorizeData>().Any() && !list.OfType<IAllowAnonymous>().Any();
    }

    private static ResponseMetadata Declared(int status, Type? type, IEnumerable<string> contentTypes)
    {
        if (type == typeof(void)) type = null;
        var types = contentTypes.ToArray();
        if (types.Length == 0 && type is not null)
        {
            types = status >= 400 ? [ProblemContentType]
                : type == typeof(Stream) || type == typeof(byte[]) ? ["application/octet-stream"]
                : ["application/json"];
        }

        return new ResponseMetadata(status, type, types);
    }

    private static bool TakesQueryValues(HttpChain chain)
    {
        var route = chain.RoutePattern?.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return chain.Method.Method.GetParameters().Any(p => !route.Contains(p.Name!) && p.ParameterType != chain.RequestType
            && IsSimple(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType));
    }

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid) || type == typeof(DateTimeOffset)
        || type == typeof(DateTime) || type == typeof(decimal) || type == typeof(DateOnly) || type == typeof(TimeOnly);

    /// <summary>One documented response (what <c>.Produces(...)</c> adds for a minimal API endpoint).</summary>
    private sealed class ResponseMetadata(int statusCode, Type? type, IReadOnlyList<string> contentTypes) : IProducesResponseTypeMetadata
    {
        public Type? Type { get; } = type;
        public int StatusCode { get; } = statusCode;
        public IEnumerable<string> ContentTypes { get; } = contentTypes;
        public string? Description => null;
    }
}
