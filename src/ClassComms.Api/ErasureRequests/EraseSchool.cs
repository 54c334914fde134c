using ClassComms.Accounts;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Privacy;
using ClassComms.Schools;
using ClassComms.Students;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Runtime.Handlers;

namespace ClassComms.ErasureRequests;

/// <summary>The durable command that erases a whole school once its request is approved; ids only.</summary>
public sealed record EraseSchool(Guid SchoolId, Guid RequestId);

/// <summary>What the platform operator gets back: the request, whose certificate it then downloads.</summary>
public sealed record SchoolErasureAccepted(Guid SchoolId, Guid RequestId);

/// <summary>
/// A school that leaves. Its DPO asks (<c>POST /api/erasure-requests/school</c>) and approves like any erasure request; or the platform
/// operator asks and approves at once (<c>POST /api/schools/{id}/erasure</c>, <c>X-Operator-Key</c>). Approved, the durable
/// <see cref="EraseSchool"/> command erases every student, guardian and staff member of the school through the erasure workflow
/// (<c>Privacy/</c>), deletes every remaining media blob of the school, shreds the school's own text (its key: school, class and skill
/// names) and issues the school's certificate. Its people, the DPO included, lose access: the operator downloads the certificate
/// (<c>GET /api/schools/{id}/erasure-certificates/{requestId}</c>). Other schools are untouched.
/// </summary>
public static class RequestSchoolErasureEndpoint
{
    /// <summary>Ask for the whole school's erasure (its DPO): 201 and the request, decided like any erasure request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/school")]
    public static async Task<IResult> Post(RequestErasure request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer asks for the school's erasure.");
        if (request.Note is { Length: > RequestErasureEndpoint.MaxNoteLength })
            return Problems.Invalid("note", $"must be at most {RequestErasureEndpoint.MaxNoteLength} characters.");
        if (await session.Query<ErasureRequest>().AnyAsync(r => r.SubjectId == caller.SchoolId && r.RefusedAt == null, ct))
        {
            return Problems.Conflict("An erasure request for the school is already open or approved.");
        }

        var now = clock.GetUtcNow();
        var received = await RequestErasureEndpoint.NewAsync(session, caller, SubjectKinds.School, caller.SchoolId, now, ct);
        if (!string.IsNullOrWhiteSpace(request.Note))
        {
            received = received with
            {
                Note = await vault.SealAsync(caller.SchoolId, ErasureRequestView.NoteField, received.RequestId, request.Note.Trim(), ct),
            };
        }

        session.Events.StartStream<ErasureRequest>(received.RequestId, received);
        return Results.Created($"/api/erasure-requests/{received.RequestId}", ErasureRequestView.Of(ErasureRequest.Create(received), now));
    }

    /// <summary>The platform operator erases a school that leaves (request and approval at once): 202 and the request id.</summary>
    [AllowAnonymous]
    [OperatorKey]
    [ProducesResponseType<SchoolErasureAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblems(409)]
    [WolverinePost("/api/schools/{schoolId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> PostAsOperator(Guid schoolId, HttpContext http, IDocumentStore store,
        IOptions<PlatformOptions> platform, TimeProvider clock, CancellationToken ct)
    {
        if (!CreateSchoolEndpoint.IsOperator(http, platform.Value)) return (Problems.Unauthorized(), []);
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        if (await session.LoadAsync<School>(schoolId, ct) is null) return (Problems.NotFound("school"), []);
        if (await session.Query<ErasureRequest>().FirstOrDefaultAsync(r => r.SubjectId == schoolId && r.ApprovedAt != null, ct) is { } approved)
        {
            return (Results.Accepted($"/api/schools/{schoolId}/erasure-certificates/{approved.Id}", new SchoolErasureAccepted(schoolId, approved.Id)),
                new OutgoingMessages { new EraseSchool(schoolId, approved.Id) });
        }

        var now = clock.GetUtcNow();
        var operatorCaller = new Caller(Guid.Empty, schoolId, Role.Dpo);
        var received = await RequestErasureEndpoint.NewAsync(session, operatorCaller, SubjectKinds.School, schoolId, now, ct) with
        {
            RequesterRole = Operator,
        };
        session.Events.StartStream<ErasureRequest>(received.RequestId, received,
            new ErasureRequestApproved(received.RequestId, Guid.Empty, Erasure.IdFor(schoolId), now));
        foreach (var open in await session.Query<ErasureRequest>().Where(r => r.SubjectId == schoolId && r.RefusedAt == null && r.ApprovedAt == null).ToListAsync(ct))
        {
            session.Events.Append(open.Id, new ErasureRequestRefused(open.Id, Guid.Empty, ErasureReasons.Other, null, now));
        }

        await session.SaveChangesAsync(ct);
        return (Results.Accepted($"/api/schools/{schoolId}/erasure-certificates/{received.RequestId}", new SchoolErasureAccepted(schoolId, received.RequestId)),
            new OutgoingMessages { new EraseSchool(schoolId, received.RequestId) });
    }

    /// <summary>The school's erasure certificate, for the platform operator (the school's own people no longer have access): 404 until done.</summary>
    [AllowAnonymous]
    [OperatorKey]
    [ProducesResponseType<ErasureCertificateDocument>(StatusCodes.Status200OK)]
    [WolverineGet("/api/schools/{schoolId}/erasure-certificates/{requestId}")]
    public static async Task<IResult> GetAsOperator(Guid schoolId, Guid requestId, HttpContext http, IOptions<PlatformOptions> platform,
        ErasureCertificates certificates, CancellationToken ct)
    {
        if (!CreateSchoolEndpoint.IsOperator(http, platform.Value)) return Problems.Unauthorized();
        var file = await certificates.ReadAsync(schoolId, requestId, ct);
        return file is null ? Problems.NotFound("erasure certificate") : Results.Bytes(file, "application/json");
    }

    /// <summary>The requester role of the platform operator (id: the empty id).</summary>
    public const string Operator = "operator";
}

public static class EraseSchoolHandler
{
    public static void Configure(HandlerChain chain)
    {
        DurableWorkRetries.Apply(chain);
    }

    /// <summary>
    /// Idempotent, in order: every person's erasure started (what must stop stops), then each run to its end by the workflow's own steps
    /// (ledger, keys, blobs, read side); every media blob of the school left deleted; the school's text shredded (a ledger entry of kind
    /// <c>school</c>); the certificate issued. A retry resumes where it stopped.
    /// </summary>
    public static async Task Handle(EraseSchool command, IDocumentStore store, ErasureSteps steps, ShredSchool shred, MediaStore media,
        ErasureCertificates certificates, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        var (schoolId, tenant) = (command.SchoolId, Ids.Tenant(command.SchoolId));
        ErasureRequest request;
        var people = new List<(Guid Id, string Kind)>();
        await using (var session = store.LightweightSession(tenant))
        {
            request = await session.LoadAsync<ErasureRequest>(command.RequestId, ct)
                      ?? throw new InvalidOperationException($"No erasure request {command.RequestId} in school {schoolId}.");
            if (request.CertificateIssuedAt is not null) return;
            var by = request.DecidedBy ?? Guid.Empty;
            var now = clock.GetUtcNow();
            foreach (var student in await session.Query<Student>().Select(s => s.Id).ToListAsync(ct))
            {
                people.Add((student, SubjectKinds.Student));
                await EraseStudentEndpoint.StartAsync(session, schoolId, by, student, now, ct);
            }

            foreach (var account in await session.Query<UserAccount>().Where(a => a.SchoolId == schoolId && a.Role != Role.Student).ToListAsync(ct))
            {
                var kind = account.Role == Role.Guardian ? SubjectKinds.Guardian : SubjectKinds.Staff;
                people.Add((account.Id, kind));
                await EraseGuardianEndpoint.StartAsync(session, by, account, now, ct, kind);
            }

            await session.SaveChangesAsync(ct);
        }

        foreach (var (id, _) in people) await steps.RunAsync(schoolId, id, ct);

        int mediaDeleted;
        await using (var session = store.LightweightSession(tenant))
        {
            var items = await session.Query<MediaObject>().ToListAsync(ct);
            foreach (var item in items)
            {
                await media.DeleteAsync(item, ct);
                session.Store(item);
            }

            await session.SaveChangesAsync(ct);
            foreach (var item in items)
            {
                if (await media.Media.GetBlobClient(item.BlobName).ExistsAsync(ct)) throw new InvalidOperationException($"The blob of media {item.Id} still exists.");
            }

            mediaDeleted = items.Count;
        }

        // Students' self-registrations still waiting (StudentAccounts/): the typed name's key destroyed, the class codes stopped.
        await using (var session = store.LightweightSession(tenant))
        {
            var now = clock.GetUtcNow();
            foreach (var registration in await session.Query<StudentAccounts.StudentRegistration>()
                         .Where(r => r.SchoolId == schoolId && r.State == StudentAccounts.StudentRegistration.Pending).ToListAsync(ct))
            {
                await vault.EraseAsync(tenant, registration.StudentId, request.DecidedBy ?? Guid.Empty, ct);
                registration.State = StudentAccounts.StudentRegistration.Refused;
                registration.DecidedAt = now;
                session.Store(registration);
            }

            session.DeleteWhere<StudentAccounts.ClassRegistrationCode>(c => c.SchoolId == schoolId);
            await session.SaveChangesAsync(ct);
        }

        await shred.ShredTextAsync(schoolId, request.DecidedBy ?? Guid.Empty, ct);
        await certificates.IssueForSchoolAsync(schoolId, request.Id, people, mediaDeleted, ct);
    }
}
