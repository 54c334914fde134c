using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>An erasure request, to its requester (by codes) or the DPO (with the notes); anyone else 404.</summary>
public static class GetErasureRequestEndpoint
{
    /// <summary>An erasure request (its requester or the DPO).</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/erasure-requests/{requestId}")]
    public static async Task<IResult> Get(Guid requestId, Caller caller, IQuerySession session, PersonalDataVault vault, TimeProvider clock,
        CancellationToken ct)
    {
        var request = await session.LoadAsync<ErasureRequest>(requestId, ct);
        if (request is null || (caller.Role != Role.Dpo && request.RequestedBy != caller.UserId)) return Problems.NotFound("erasure request");
        return Results.Ok(await ErasureRequestView.ForAsync(request, caller, vault, clock.GetUtcNow(), ct));
    }
}

/// <summary>The caller's own erasure requests, newest first (the DPO: every request of the school).</summary>
public static class ListErasureRequestsEndpoint
{
    /// <summary>The caller's erasure requests (the DPO: all of the school's), newest first.</summary>
    [ProducesResponseType<IReadOnlyList<ErasureRequestView>>(StatusCodes.Status200OK)]
    [WolverineGet("/api/erasure-requests")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var query = session.Query<ErasureRequest>().AsQueryable();
        if (caller.Role != Role.Dpo) query = query.Where(r => r.RequestedBy == caller.UserId);
        var requests = await query.OrderByDescending(r => r.ReceivedAt).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return Results.Ok(requests.Select(r => ErasureRequestView.Of(r, now)).ToList());
    }
}
