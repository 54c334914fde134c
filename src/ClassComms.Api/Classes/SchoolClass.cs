using ClassComms.PersonalData;
using ClassComms.Schools;

namespace ClassComms.Classes;

// Events of the class stream (stream id = class id). Class and skill names are staff-typed free text that may name a child:
// they are sealed under the school's key (SchoolText), bound to the class id and the skill id.

/// <summary>A skill as stored in events and the class snapshot; its name is sealed (record = skill id).</summary>
public sealed record ClassSkill(Guid Id, Sealed Name, bool Positive, int Value);

/// <summary>A skill as the API shows it; <c>Name</c> is null once the school's key is destroyed.</summary>
public sealed record Skill(Guid Id, string? Name, bool Positive, int Value);

public sealed record ClassCreated(Guid ClassId, Guid CreatedBy, Guid TeacherId, Sealed Name, IReadOnlyList<ClassSkill> Skills, DateTimeOffset At);

public sealed record SkillAdded(Guid ClassId, Guid AddedBy, ClassSkill Skill, DateTimeOffset At);

public sealed record StudentJoinedClass(Guid ClassId, Guid StudentId, Guid AddedBy, DateTimeOffset At);

/// <summary>The class aggregate and its inline snapshot: teacher, sealed names, skills, roster (opaque ids only).</summary>
public sealed record SchoolClass(
    Guid Id,
    Guid TeacherId,
    Sealed Name,
    IReadOnlyList<ClassSkill> Skills,
    IReadOnlyList<Guid> StudentIds,
    DateTimeOffset CreatedAt)
{
    public const int MaxSkillValue = 5;

    public static readonly (string Name, bool Positive, int Value)[] DefaultSkills =
    [
        ("Helping others", true, 1),
        ("Working hard", true, 1),
        ("Teamwork", true, 1),
        ("Participating", true, 1),
        ("On task", true, 1),
        ("Off task", false, 1),
        ("Unprepared", false, 1),
    ];

    public static SchoolClass Create(ClassCreated e) => new(e.ClassId, e.TeacherId, e.Name, e.Skills, [], e.At);

    public SchoolClass Apply(SkillAdded e) => this with { Skills = [.. Skills, e.Skill] };

    public SchoolClass Apply(StudentJoinedClass e) =>
        StudentIds.Contains(e.StudentId) ? this : this with { StudentIds = [.. StudentIds, e.StudentId] };

    public ClassSkill? FindSkill(Guid skillId) => Skills.FirstOrDefault(s => s.Id == skillId);

    /// <summary>The class name for a reader (null once the school's key is destroyed).</summary>
    public ValueTask<string?> NameAsync(PersonalDataVault vault, CancellationToken ct) => vault.OpenAsync(Name, Id, ct);

    /// <summary>The skills as the API shows them, names opened.</summary>
    public async Task<IReadOnlyList<Skill>> SkillViewsAsync(PersonalDataVault vault, CancellationToken ct)
    {
        var views = new List<Skill>(Skills.Count);
        foreach (var s in Skills) views.Add(await s.ViewAsync(vault, ct));
        return views;
    }
}

public static class ClassSkills
{
    public static async Task<Skill> ViewAsync(this ClassSkill skill, PersonalDataVault vault, CancellationToken ct) =>
        new(skill.Id, await vault.OpenAsync(skill.Name, skill.Id, ct), skill.Positive, skill.Value);

    /// <summary>A new skill with its name sealed under the school's key.</summary>
    public static async Task<ClassSkill> NewAsync(PersonalDataVault vault, Guid schoolId, string name, bool positive, int value, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        return new ClassSkill(id, await vault.SealAsync(schoolId, SchoolText.SkillName, id, name, ct), positive, value);
    }
}
