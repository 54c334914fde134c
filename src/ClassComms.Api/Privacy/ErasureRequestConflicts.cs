using ClassComms.Platform;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;

namespace ClassComms.Privacy;

/// <summary>
/// Two first requests to erase the same person at the same moment both try to start its erasure stream; the
/// database lets one commit. The other committed nothing and answers what a repeated request answers: the
/// current status (202 while it runs), so one workflow runs and neither DPO sees an error.
/// </summary>
public sealed class ErasureRequestConflictHandler(IDocumentStore store) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not ExistingStreamIdCollisionException) return false;
        // The middleware has cleared the request's route values by now; the feature keeps them.
        var routeValues = http.Features.Get<IExceptionHandlerFeature>()?.RouteValues;
        var raw = routeValues?.GetValueOrDefault("studentId") ?? routeValues?.GetValueOrDefault("guardianId") ?? routeValues?.GetValueOrDefault("staffId");
        if (!http.Request.Path.StartsWithSegments("/api/privacy") || !Guid.TryParse(raw as string, out var subjectId)) return false;
        if (Caller.From(http.User) is not { } caller) return false;

        await using var session = store.QuerySession(caller.Tenant);
        var erasure = await session.LoadAsync<Erasure>(Erasure.IdFor(subjectId), ct);
        if (erasure is null) return false;
        await ErasureAnswers.Current(erasure).ExecuteAsync(http);
        return true;
    }
}
