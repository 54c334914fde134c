using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Consents;

/// <summary>
/// Give (<c>given: true</c>) or withdraw (<c>given: false</c>) consent for one <c>purpose</c> (<see cref="ConsentPurposes"/>):
/// the same request either way. <c>evidence</c> is for staff recording a paper form (which form, who signed it) and only for them.
/// </summary>
public sealed record ChangeConsent(string? Purpose, bool? Given, string? Evidence);

/// <summary>The consent as it now stands; <c>changed</c> is false when it already stood so (nothing was recorded).</summary>
public sealed record ConsentChanged(Guid StudentId, string Purpose, bool Given, bool Changed);

/// <summary>What the caller is to the student, found before <see cref="ChangeConsentEndpoint.Decide"/>.</summary>
/// <param name="Student">The student, null when unknown.</param>
/// <param name="TeachesClass">The caller teaches the student's class or leads the school.</param>
/// <param name="Access">The caller's access document (guardians and student accounts; <see cref="AudienceAccess"/>), or null.</param>
/// <param name="StudentDecides">The student has reached the age of consent (<see cref="AgeOfConsent.StudentDecidesAsync"/>).</param>
public sealed record ConsentContext(Student? Student, bool TeachesClass, AudienceAccess? Access, bool StudentDecides);

/// <summary>The decision: a problem to answer, or the event to append (null: it already stands so, nothing to record).</summary>
public sealed record ConsentDecision(IResult? Problem, ConsentSource Source, bool Record)
{
    public static ConsentDecision Refused(IResult problem) => new(problem, default, false);
}

public static class ChangeConsentEndpoint
{
    public const int MaxEvidenceLength = 500;

    /// <summary>Give or withdraw a consent for a student (a guardian, the student from their age of consent, or staff from a paper form).</summary>
    /// <remarks>
    /// A linked, unrestricted guardian decides until the student's age of consent; from that birthday the student does, and guardians
    /// get 409. The class teacher or a leader records a paper form with <c>evidence</c> (sealed for the student). A repeat of what
    /// already stands answers 200 with <c>changed: false</c> and records nothing. Concurrent changes of one student are ordered by the
    /// student's stream version: the later one answers 409 and commits nothing.
    /// </remarks>
    [ProducesResponseType<ConsentChanged>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409, 410)]
    [WolverinePost("/api/students/{studentId}/consents")]
    public static async Task<IResult> Post(Guid studentId, ChangeConsent request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, AgeOfConsent ages, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        if (RequestProblem(request, caller) is { } invalid) return invalid;

        var stream = await session.Events.FetchForWriting<Student>(studentId, ct);
        var student = stream.Aggregate;
        var now = clock.GetUtcNow();
        var context = new ConsentContext(student, false, null, false);
        if (student is not null)
        {
            var teaches = caller.IsTeacherOrLeader && await session.LoadAsync<SchoolClass>(student.ClassId, ct) is { } schoolClass
                                                   && ClassAccess.CanTeach(caller, schoolClass);
            var access = caller.Role is Role.Guardian or Role.Student ? await AudienceAccess.LoadAsync(session, caller.UserId, ct) : null;
            var school = await session.LoadAsync<School>(caller.SchoolId, ct);
            context = new ConsentContext(student, teaches, access, await ages.StudentDecidesAsync(student, school, now, ct));
        }

        var decision = Decide(request, caller, context);
        if (decision.Problem is not null) return decision.Problem;
        // Giving a consent about a frozen student, or by a frozen guardian, is new processing (409); withdrawing always stands (GDPR art. 7(3)).
        if (request.Given == true && decision.Record
            && await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, [studentId], ct) is { } frozen) return frozen;
        var purpose = request.Purpose!;
        var given = request.Given!.Value;
        if (decision.Record)
        {
            var evidence = decision.Source == ConsentSource.PaperForm
                ? await vault.SealAsync(caller.Tenant, studentId, "consent.evidence", request.Evidence!.Trim(), ct)
                : null;
            stream.AppendOne(given
                ? new ConsentGiven(studentId, purpose, caller.UserId, decision.Source, evidence, now)
                : new ConsentWithdrawn(studentId, purpose, caller.UserId, decision.Source, evidence, now));
            // A withdrawn story consent removes the student's media from posts in this transaction: tell their viewers after it.
            if (!given && purpose is ConsentPurposes.ClassStoryMedia or ConsentPurposes.SchoolStoryMedia)
            {
                await bus.PublishAsync(new Stories.PushStoryMediaRemovals(caller.SchoolId));
            }
        }

        return Results.Ok(new ConsentChanged(studentId, purpose, given, decision.Record));
    }

    /// <summary>The request alone, with the caller's role, before anything is read: a 400 naming each invalid field, or a 403.</summary>
    public static IResult? RequestProblem(ChangeConsent request, Caller caller)
    {
        if (caller.Role == Role.Dpo) return Problems.Forbidden("The DPO reads consents; the class teacher or a leader records a paper form.");
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request.Purpose)) validation.Add("purpose", "is required.");
        else if (!ConsentPurposes.IsKnown(request.Purpose))
            validation.Add("purpose", $"must be one of: {string.Join(", ", ConsentPurposes.All)}.");
        if (request.Given is null) validation.Add("given", "is required: true gives the consent, false withdraws it.");
        if (caller.IsTeacherOrLeader) validation.Require(request.Evidence, "evidence", MaxEvidenceLength);
        else if (request.Evidence is not null) validation.Add("evidence", "is given by staff recording a paper form only.");
        return validation.IsValid ? null : validation.ToResult();
    }

    /// <summary>
    /// Who may change the consent now, and whether there is anything to record. Pure: the rules are tested as a table without a host.
    /// Not the caller's student (or unknown, or a restricted guardian): 404. An erased student: 410 for staff. Guardians from the
    /// student's age of consent, and the student before it: 409. What already stands: nothing to record, except a student (or a
    /// form they signed) confirming a consent that was re-asked of them at their age of consent.
    /// </summary>
    public static ConsentDecision Decide(ChangeConsent request, Caller caller, ConsentContext context)
    {
        var student = context.Student;
        if (student is null) return ConsentDecision.Refused(Problems.NotFound("student"));
        // A guardian or a student account: the one audience decision on the child's own record (linked, unrestricted; themself).
        var family = !student.Erased && Visibility.CanSee(context.Access, AudienceItem.Record(student.Id, student.ClassId));
        ConsentSource source;
        switch (caller.Role)
        {
            case Role.Guardian when family && context.Access!.Kind == AudienceKinds.Guardian:
                if (context.StudentDecides)
                {
                    return ConsentDecision.Refused(Problems.Conflict(
                        "The student has reached the age of consent: from that birthday their own consent counts, and guardians can no longer change it."));
                }

                source = ConsentSource.Guardian;
                break;
            case Role.Teacher or Role.Leader when context.TeachesClass:
                if (student.Erased) return ConsentDecision.Refused(Problems.Gone("The student has been erased."));
                source = ConsentSource.PaperForm;
                break;
            case Role.Student when family && context.Access!.Kind == AudienceKinds.Student:
                if (!context.StudentDecides)
                {
                    return ConsentDecision.Refused(Problems.Conflict(
                        "The student's own consent counts from their age of consent; until then their guardians decide."));
                }

                source = ConsentSource.Student;
                break;
            default:
                return ConsentDecision.Refused(Problems.NotFound("student"));
        }

        var purpose = request.Purpose!;
        var stands = student.HasConsent(purpose) == request.Given;
        var confirms = request.Given == true && source != ConsentSource.Guardian && student.ConsentsAwaitingStudent.Contains(purpose);
        return new ConsentDecision(null, source, !stands || confirms);
    }
}
