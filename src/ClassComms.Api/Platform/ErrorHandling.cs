using System.Text.Json;
using ClassComms.PersonalData;
using JasperFx.Events;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ClassComms.Platform;

/// <summary>
/// Turns the exceptions that mean "bad request" or "conflict" into ProblemDetails. Nothing from the
/// exception message reaches the client (it could hold personal data); PostgreSQL or Blob Storage not answering is a 503 with
/// <c>Retry-After</c> (<see cref="DependencyOutages"/>); unexpected errors are a bare 500.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "Payload too large.", "The request body is larger than this endpoint accepts."),
            BadHttpRequestException or JsonException => (400, "The request is invalid.", "The request body is not valid JSON for this endpoint."),
            JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException when http.Request.Headers.IfMatch.Count > 0 =>
                (412, "Precondition failed.", "The resource changed since you read it; reload it and try again."),
            JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException or JasperFx.Events.StreamLockedException =>
                (409, "Conflict.", "Someone else changed this at the same moment; reload and try again."),
            _ when IsUniqueViolation(exception) =>
                (409, "Conflict.", "This would duplicate something that already exists (for example an e-mail in use); reload and try again."),
            Schools.SchoolErasedException => (410, "Gone.", "The school's data has been erased; nothing new can be written for it."),
            SubjectErasedException => (409, "Conflict.", "The person has been erased; no personal data can be written about them."),
            UnauthorizedAccessException => (401, "Unauthorized.", null),
            _ when DependencyOutages.IsOutage(exception) =>
                (503, "Service unavailable.", "A storage service is not answering; nothing was saved. Try again in a few seconds."),
            _ => (500, "Something went wrong.", null),
        };

        if (status == 500) logger.LogError(exception, "Unhandled {ExceptionType} on {Method} {Path}", exception.GetType().Name, http.Request.Method, http.Request.Path);
        if (status == 503)
        {
            // The type only: a store's message can carry a connection detail, never personal data, but it tells the client nothing.
            logger.LogWarning("A store did not answer ({ExceptionType}) on {Method} {Path}: 503", exception.GetType().Name, http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = ((int)DependencyOutages.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }

    /// <summary>
    /// A unique index refused a write (PostgreSQL 23505), typically two requests racing to create the same thing
    /// after both checked it did not exist. A 409 like any other concurrent edit; the index's message, which
    /// names the conflicting key, is never sent.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }) return true;
        }

        return false;
    }
}
