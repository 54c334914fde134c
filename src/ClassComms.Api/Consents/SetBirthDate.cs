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

/// <summary>The student's date of birth, <c>yyyy-MM-dd</c>.</summary>
public sealed record SetBirthDate(string? BirthDate);

public static class SetBirthDateEndpoint
{
    public const int OldestStudentYears = 30;

    /// <summary>Set a student's date of birth (the class teacher or a leader); it decides the student's age of consent.</summary>
    /// <remarks>
    /// Personal data: sealed for the student, never stored or logged in plaintext. Where the school has chosen its jurisdiction, the
    /// age-of-consent step runs at once when that birthday has passed, otherwise the daily sweep runs it once the birthday has passed
    /// (nothing birthday-derived is stored in plaintext). Setting the date it already has answers 204 and
    /// records nothing. A student who has already reached the age of consent keeps it when the date is corrected.
    /// </remarks>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403, 410)]
    [WolverinePost("/api/students/{studentId}/birth-date")]
    public static async Task<IResult> Post(Guid studentId, SetBirthDate request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        AgeOfConsent ages, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only the class teacher or a leader sets a student's date of birth.");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, AgeOfConsent.ZoneOf(school)).DateTime);
        if (Problem(request, today) is { } invalid) return invalid;
        var birthDate = AgeOfConsent.ParseBirthDate(request.BirthDate)!.Value;

        var stream = await session.Events.FetchForWriting<Student>(studentId, ct);
        var student = stream.Aggregate;
        if (student is null || await session.LoadAsync<SchoolClass>(student.ClassId, ct) is not { } schoolClass
                            || !ClassAccess.CanTeach(caller, schoolClass))
        {
            return Problems.NotFound("student");
        }

        if (student.Erased) return Problems.Gone("The student has been erased.");
        if (await ages.BirthDateAsync(student, ct) == birthDate) return Results.NoContent();

        var sealedDate = await vault.SealAsync(caller.Tenant, studentId, AgeOfConsent.BirthDateField, birthDate.ToString(AgeOfConsent.BirthDateFormat), ct);
        stream.AppendOne(new StudentBirthDateRecorded(studentId, caller.UserId, sealedDate, now));
        if (student.AgeOfConsentReachedAt is null && ages.Of(school?.ConsentJurisdiction) is { } rule)
        {
            // Already past the birthday: the step runs at once. Otherwise nothing is scheduled at the birthday (its run time would
            // store a date derived from the birth date); the daily sweep (AgeOfConsentSweep) finds the student when it has passed.
            if (AgeOfConsent.Birthday(birthDate, rule.Age, AgeOfConsent.ZoneOf(school)) <= now)
            {
                await bus.PublishAsync(new ReachAgeOfConsent(caller.SchoolId, studentId), new DeliveryOptions { TenantId = caller.Tenant });
            }
        }

        return Results.NoContent();
    }

    /// <summary>A 400 naming <c>birthDate</c> unless it is a <c>yyyy-MM-dd</c> date in the last <see cref="OldestStudentYears"/> years.</summary>
    public static IResult? Problem(SetBirthDate request, DateOnly today)
    {
        if (request.BirthDate is null) return Problems.Invalid("birthDate", "is required, as yyyy-MM-dd.");
        if (AgeOfConsent.ParseBirthDate(request.BirthDate) is not { } date) return Problems.Invalid("birthDate", "must be a date written yyyy-MM-dd.");
        if (date > today) return Problems.Invalid("birthDate", "must not be in the future.");
        if (date < today.AddYears(-OldestStudentYears)) return Problems.Invalid("birthDate", $"must be within the last {OldestStudentYears} years.");
        return null;
    }
}
