using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record CreateClass(string Name, Guid? TeacherId);

public sealed record ClassCreatedResponse(Guid ClassId, Guid TeacherId, IReadOnlyList<Skill> Skills);

/// <summary>A teacher creates a class (a leader may create one for a teacher); default skills come with it.</summary>
public static class CreateClassEndpoint
{
    /// <summary>Create a class with the default skills.</summary>
    [ProducesResponseType<ClassCreatedResponse>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/classes")]
    public static async Task<IResult> Post(CreateClass request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only teachers and school leaders create classes.");

        var validation = new Validation().Require(request.Name, "name", 100);
        var teacherId = request.TeacherId ?? caller.UserId;
        if (request.TeacherId is { } requested && requested != caller.UserId)
        {
            if (caller.Role != Role.Leader) validation.Add("teacherId", "only a school leader can create a class for another teacher.");
            else
            {
                var teacher = await session.LoadAsync<UserAccount>(requested, ct);
                if (teacher is null || teacher.SchoolId != caller.SchoolId || teacher.Role is not (Role.Teacher or Role.Leader) || !teacher.IsLive)
                {
                    validation.Add("teacherId", "is not a teacher of this school.");
                }
            }
        }

        if (!validation.IsValid) return validation.ToResult();

        var classId = Guid.CreateVersion7();
        var name = request.Name.Trim();
        var skills = new List<ClassSkill>();
        foreach (var s in SchoolClass.DefaultSkills) skills.Add(await ClassSkills.NewAsync(vault, caller.SchoolId, s.Name, s.Positive, s.Value, ct));
        session.Events.StartStream<SchoolClass>(classId, new ClassCreated(classId, caller.UserId, teacherId,
            await vault.SealAsync(caller.SchoolId, SchoolText.ClassName, classId, name, ct), skills, clock.GetUtcNow()));
        var views = SchoolClass.DefaultSkills.Zip(skills, (d, s) => new Skill(s.Id, d.Name, s.Positive, s.Value)).ToList();
        return Results.Created($"/api/classes/{classId}", new ClassCreatedResponse(classId, teacherId, views));
    }
}
