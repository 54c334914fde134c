using Microsoft.AspNetCore.Mvc;

namespace ClassComms.Platform;

/// <summary>
/// Every error leaves as <c>application/problem+json</c> through one place (ours, Wolverine's, ASP.NET Core's,
/// the rate limiter's, the request limits'), and the framework problems that would echo input or parser
/// internals are rewritten on the way out: Wolverine's unparseable-query answer quotes the submitted value,
/// and its malformed-JSON answer carries the parser message, line and byte position.
/// </summary>
public static class ProblemWriting
{
    public const string InvalidTitle = "The request is invalid.";

    public static IServiceCollection AddClassCommsProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => Sanitize(c.ProblemDetails));
        // After the default writer, which declines when the Accept header names no JSON type: then this one
        // writes the same sanitized problem instead of the framework's unsanitized fallback.
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemWriter>();
        return services;
    }

    /// <summary>Writes a problem with <paramref name="status"/>: title and detail are ours, never the request's.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string? detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = Problems.Details(status, title, detail),
        });
    }

    public static void Sanitize(ProblemDetails problem)
    {
        // Wolverine (RejectUnparseableQueryValues): "Query string parameter 'x' has the value '<input>' which cannot be parsed…"
        if (problem.Status == StatusCodes.Status400BadRequest && problem.Extensions.TryGetValue("parameter", out var parameter)
            && parameter is string name)
        {
            problem.Title = InvalidTitle;
            problem.Detail = $"'{name}': is not a valid value.";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = ["is not a valid value."] };
            return;
        }

        // Wolverine's JSON body reader: the JsonException message (type names, paths, sometimes a character of the
        // input) and its line and byte position.
        if (problem.Extensions.Remove("lineNumber") | problem.Extensions.Remove("bytePositionInLine")
            || problem.Title == "Invalid JSON format")
        {
            problem.Type = null;
            problem.Title = InvalidTitle;
            problem.Detail = "'body': is not valid JSON for this endpoint.";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = ["is not valid JSON for this endpoint."] };
        }
    }

    private sealed class FallbackProblemWriter : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var problem = context.ProblemDetails;
            Sanitize(problem);
            problem.Status ??= context.HttpContext.Response.StatusCode;
            // Written directly: going through IProblemDetailsService again would come back here.
            return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null,
                contentType: "application/problem+json"));
        }
    }
}
