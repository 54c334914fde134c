using ClassComms.Dpo;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>A reason code (<see cref="ErasureReasons"/>) and an optional note (free text, sealed under the subject's key).</summary>
public sealed record ErasureDecisionReason(string? Reason, string? Note);

/// <summary>
/// The DPO refuses an erasure request with a reason code (e.g. <c>legalHold</c>): recorded, and shown to the requester by its code.
/// Only an undecided request can be refused (409 otherwise).
/// </summary>
public static class RefuseErasureRequestEndpoint
{
    /// <summary>Refuse an erasure request with a reason code (DPO): 200 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/{requestId}/refusal")]
    public static async Task<IResult> Post(Guid requestId, ErasureDecisionReason body, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer decides an erasure request.");
        if (DecisionReasons.Invalid(body, ErasureReasons.Refusal) is { } invalid) return invalid;
        var stream = await session.Events.FetchForWriting<ErasureRequest>(requestId, ct);
        if (stream.Aggregate is not { } request) return Problems.NotFound("erasure request");
        if (request.State != ErasureRequest.Received) return Problems.Conflict("The request is already decided.");

        var now = clock.GetUtcNow();
        var note = await DecisionReasons.SealAsync(vault, caller, request, ErasureRequestView.RefusalNoteField, body.Note, ct);
        var refused = new ErasureRequestRefused(requestId, caller.UserId, ErasureReasons.Parse(body.Reason, ErasureReasons.Refusal)!, note, now);
        stream.AppendOne(refused);
        return Results.Ok(ErasureRequestView.Of(request.Apply(refused), now));
    }
}

/// <summary>
/// The DPO extends an open request's deadline where the school's regime allows it (GDPR: two more months; Quebec public bodies: 10
/// more days; Quebec private sector: never, 409), once, with a reason code.
/// </summary>
public static class ExtendErasureRequestEndpoint
{
    /// <summary>Extend an open erasure request's deadline (DPO), where the regime allows it: 200 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/{requestId}/extension")]
    public static async Task<IResult> Post(Guid requestId, ErasureDecisionReason body, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer extends an erasure request.");
        if (DecisionReasons.Invalid(body, ErasureReasons.Extension) is { } invalid) return invalid;
        var stream = await session.Events.FetchForWriting<ErasureRequest>(requestId, ct);
        if (stream.Aggregate is not { } request) return Problems.NotFound("erasure request");
        if (!request.Open) return Problems.Conflict("The request is closed.");
        if (request.Extended) return Problems.Conflict("The request's deadline is already extended.");
        var regime = RequestDeadlines.Parse(request.Regime) ?? PrivacyRegime.Gdpr;
        if (!RequestDeadlines.CanExtend(regime)) return Problems.Conflict("The school's privacy regime allows no extension.");

        var now = clock.GetUtcNow();
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var due = RequestDeadlines.DueAt(regime, request.ReceivedAt, true, RequestDeadlines.ZoneOf(school));
        var note = await DecisionReasons.SealAsync(vault, caller, request, ErasureRequestView.ExtensionNoteField, body.Note, ct);
        var extended = new ErasureRequestExtended(requestId, caller.UserId, ErasureReasons.Parse(body.Reason, ErasureReasons.Extension)!, note, due, now);
        stream.AppendOne(extended);
        return Results.Ok(ErasureRequestView.Of(request.Apply(extended), now));
    }
}

internal static class DecisionReasons
{
    public static IResult? Invalid(ErasureDecisionReason body, IReadOnlyList<string> allowed)
    {
        var validation = new Validation();
        if (ErasureReasons.Parse(body.Reason, allowed) is null) validation.Add("reason", $"must be one of {string.Join(", ", allowed)}.");
        validation.Optional(body.Note, "note", RequestErasureEndpoint.MaxNoteLength);
        return validation.IsValid ? null : validation.ToResult();
    }

    /// <summary>Free text is personal data: sealed under the subject's key, bound to the request; a subject already erased keeps no note.</summary>
    public static async Task<Sealed?> SealAsync(PersonalDataVault vault, Caller caller, ErasureRequest request, string field, string? note,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(note)) return null;
        try
        {
            return await vault.SealAsync(caller.Tenant, request.SubjectId, field, request.Id.ToString(), note.Trim(), ct);
        }
        catch (SubjectErasedException)
        {
            return null;
        }
    }
}
