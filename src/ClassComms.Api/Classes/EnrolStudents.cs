using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record NewStudent(string Name);

public sealed record EnrolStudents(IReadOnlyList<NewStudent> Students);

public sealed record StudentsEnrolled(IReadOnlyList<Guid> StudentIds);

/// <summary>A teacher adds students to their class. Each student's name is sealed with the student's own key.</summary>
public static class EnrolStudentsEndpoint
{
    public const int MaxPerRequest = 60;

    /// <summary>Enrol up to 60 students in a class, in one transaction.</summary>
    [ProducesResponseType<StudentsEnrolled>(StatusCodes.Status201Created)]
    [ProducesProblems(409)]
    [WolverinePost("/api/classes/{classId}/students")]
    public static async Task<IResult> Post(Guid classId, EnrolStudents request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {

        var validation = new Validation();
        if (request.Students is null || request.Students.Count == 0) validation.Add("students", "must list at least one student.");
        else if (request.Students.Count > MaxPerRequest) validation.Add("students", $"must list at most {MaxPerRequest} students.");
        else
        {
            for (var i = 0; i < request.Students.Count; i++) validation.Require(request.Students[i]?.Name, $"students[{i}].name", 100);
        }

        if (!validation.IsValid) return validation.ToResult();

        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        var classStream = await session.Events.FetchForWriting<SchoolClass>(classId, ct);
        var now = clock.GetUtcNow();
        var ids = new List<Guid>();
        foreach (var student in request.Students!)
        {
            var studentId = Guid.CreateVersion7();
            var name = await vault.SealAsync(caller.Tenant, studentId, "student.name", student.Name.Trim(), ct);
            session.Events.StartStream<Student>(studentId, new StudentEnrolled(studentId, caller.UserId, classId, name, now));
            classStream.AppendOne(new StudentJoinedClass(classId, studentId, caller.UserId, now));
            ids.Add(studentId);
        }

        return Results.Created($"/api/classes/{classId}", new StudentsEnrolled(ids));
    }
}
