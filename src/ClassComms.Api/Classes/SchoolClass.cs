namespace ClassComms.Classes;

// Events of the class stream (stream id = class id). Class and skill names are school data, not personal data.

public sealed record Skill(Guid Id, string Name, bool Positive, int Value);

public sealed record ClassCreated(Guid ClassId, Guid CreatedBy, Guid TeacherId, string Name, IReadOnlyList<Skill> Skills, DateTimeOffset At);

public sealed record SkillAdded(Guid ClassId, Guid AddedBy, Skill Skill, DateTimeOffset At);

public sealed record StudentJoinedClass(Guid ClassId, Guid StudentId, Guid AddedBy, DateTimeOffset At);

/// <summary>The class aggregate and its inline snapshot: teacher, skills, roster (opaque ids only).</summary>
public sealed record SchoolClass(
    Guid Id,
    Guid TeacherId,
    string Name,
    IReadOnlyList<Skill> Skills,
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

    public Skill? FindSkill(Guid skillId) => Skills.FirstOrDefault(s => s.Id == skillId);
}
