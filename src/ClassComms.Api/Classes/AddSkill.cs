using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record AddSkill(string Name, bool Positive, int Value);

/// <summary>Adds a skill to a class. Honours If-Match (the class ETag) with 412 on a stale version.</summary>
public static class AddSkillEndpoint
{
    /// <summary>Add a skill to a class; honours `If-Match`.</summary>
    [ProducesResponseType<Skill>(StatusCodes.Status201Created)]
    [ProducesProblems(409, 412)]
    [WolverinePost("/api/classes/{classId}/skills")]
    public static async Task<IResult> Post(Guid classId, AddSkill request, HttpContext http, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {

        var validation = new Validation().Require(request.Name, "name", 60);
        if (request.Value is < 1 or > SchoolClass.MaxSkillValue) validation.Add("value", $"must be between 1 and {SchoolClass.MaxSkillValue}.");
        if (!validation.IsValid) return validation.ToResult();

        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");
        var name = request.Name.Trim();
        var existing = await schoolClass.SkillViewsAsync(vault, ct);
        if (existing.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Conflict("The class already has a skill with this name.");
        }

        var expected = ClassAccess.IfMatch(http);
        var stream = await session.Events.FetchForWriting<SchoolClass>(classId, ct);
        if (expected is not null && expected != stream.StartingVersion) return Problems.PreconditionFailed();

        var skill = await ClassSkills.NewAsync(vault, caller.SchoolId, name, request.Positive, request.Value, ct);
        stream.AppendOne(new SkillAdded(classId, caller.UserId, skill, clock.GetUtcNow()));
        // CurrentVersion already counts the appended event: it is the version this request commits.
        http.Response.Headers.ETag = ClassAccess.ETag(stream.CurrentVersion ?? 0);
        return Results.Created($"/api/classes/{classId}/skills/{skill.Id}", new Skill(skill.Id, name, skill.Positive, skill.Value));
    }
}
