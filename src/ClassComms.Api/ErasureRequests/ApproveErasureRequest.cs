using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Privacy;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>
/// The DPO approves an erasure request: in one transaction the request is marked approved and the durable erasure of
/// <c>Privacy/</c> starts (what must stop at once stops; <see cref="ContinueErasure"/> runs the steps). When it completes, the
/// certificate is issued (<see cref="ErasureCertificates"/>). A repeat answers the request; a refused request is 409.
/// </summary>
public static class ApproveErasureRequestEndpoint
{
    /// <summary>Approve an erasure request (DPO): the erasure runs; 200 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/{requestId}/approval")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid requestId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer decides an erasure request."), []);
        var stream = await session.Events.FetchForWriting<ErasureRequest>(requestId, ct);
        if (stream.Aggregate is not { } request) return (Problems.NotFound("erasure request"), []);
        var now = clock.GetUtcNow();
        if (request.RefusedAt is not null) return (Problems.Conflict("The request was refused; a new request can be made."), []);
        if (request.ApprovedAt is not null) return (Results.Ok(ErasureRequestView.Of(request, now)), []);

        if (request.SubjectKind == SubjectKinds.School)
        {
            var school = new ErasureRequestApproved(requestId, caller.UserId, Erasure.IdFor(request.SubjectId), now);
            stream.AppendOne(school);
            return (Results.Ok(ErasureRequestView.Of(request.Apply(school), now)), new OutgoingMessages { new EraseSchool(caller.SchoolId, requestId) });
        }

        Erasure erasure;
        if (request.SubjectKind == SubjectKinds.Student)
        {
            (erasure, _) = await EraseStudentEndpoint.StartAsync(session, caller.SchoolId, caller.UserId, request.SubjectId, now, ct);
        }
        else
        {
            var account = await session.LoadAsync<UserAccount>(request.SubjectId, ct);
            if (account is null || account.SchoolId != caller.SchoolId) return (Problems.NotFound(request.SubjectKind), []);
            // Asked again here, under the school's lock: another leader or DPO may have been erased since the request.
            if (request.SubjectKind == SubjectKinds.Staff && await SchoolControllers.LockedRefusalAsync(session, account, ct) is { } lastController)
            {
                return (lastController, []);
            }
            (erasure, _) = await EraseGuardianEndpoint.StartAsync(session, caller.UserId, account, now, ct, request.SubjectKind);
        }

        var approved = new ErasureRequestApproved(requestId, caller.UserId, erasure.Id, now);
        stream.AppendOne(approved);
        // Sent even when the person was already being erased: the steps are idempotent, and their end issues this request's certificate.
        return (Results.Ok(ErasureRequestView.Of(request.Apply(approved), now)),
            new OutgoingMessages { new ContinueErasure(caller.SchoolId, request.SubjectId) });
    }
}
