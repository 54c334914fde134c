using ClassComms.Platform;
using ClassComms.Privacy;
using Marten;

namespace ClassComms.ErasureRequests;

/// <summary>
/// The DPO's direct erasure (<c>POST /api/privacy/{students|guardians}/{id}/erasure</c>) is a request made and approved at once, so it
/// is on the record and gets its certificate like any other. Requests still open for the same person are approved by it.
/// </summary>
public static class DirectErasures
{
    /// <summary>Stages the request's events in the erasure's own transaction.</summary>
    public static async Task RecordAsync(IDocumentSession session, Caller caller, string kind, Guid subjectId, Erasure erasure, CancellationToken ct)
    {
        var now = erasure.RequestedAt;
        var open = await session.Query<ErasureRequest>().Where(r => r.SubjectId == subjectId && r.RefusedAt == null && r.ApprovedAt == null)
            .ToListAsync(ct);
        foreach (var request in open)
        {
            session.Events.Append(request.Id, new ErasureRequestApproved(request.Id, caller.UserId, erasure.Id, now));
        }

        if (open.Count > 0) return;
        var received = await RequestErasureEndpoint.NewAsync(session, caller, kind, subjectId, now, ct);
        session.Events.StartStream<ErasureRequest>(received.RequestId, received, new ErasureRequestApproved(received.RequestId, caller.UserId, erasure.Id, now));
    }
}
