using System.Text.Json;
using ClassComms.PersonalData;
using JasperFx.Events;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ClassComms.Platform;

/// <summary>
/// Turns the exceptions that mean "bad request" or "conflict" into ProblemDetails. Nothing from the
/// exception message reaches the client (it could hold personal data); unexpected errors are a bare 500.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException or JsonException => (400, "The request is invalid.", "The request body is not valid JSON for this endpoint."),
            JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException when http.Request.Headers.IfMatch.Count > 0 =>
                (412, "Precondition failed.", "The resource changed since you read it; reload it and try again."),
            JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException =>
                (409, "Conflict.", "Someone else changed this at the same moment; reload and try again."),
            SubjectErasedException => (409, "Conflict.", "The person has been erased; no personal data can be written about them."),
            UnauthorizedAccessException => (401, "Unauthorized.", null),
            _ => (500, "Something went wrong.", null),
        };

        if (status == 500) logger.LogError(exception, "Unhandled {ExceptionType} on {Method} {Path}", exception.GetType().Name, http.Request.Method, http.Request.Path);

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }
}
