using ClassComms.PersonalData;
using ClassComms.Platform;

namespace ClassComms.Schools;

/// <summary>
/// Free text that staff type and that is not about one person (the school name, class names, skill names) is sealed under the school's own
/// key: the school id is the data subject in the vault. Teachers do type children's names into such text, so it is never
/// stored in plaintext, and a school that leaves is shredded whole by destroying that key (<see cref="ShredSchool"/>).
/// Each value is bound to its record (the school id, the class id, the skill id): it opens only when read for that record.
/// </summary>
public static class SchoolText
{
    public const string SchoolName = "school.name";
    public const string ClassName = "class.name";
    public const string SkillName = "skill.name";

    /// <summary>Throws <see cref="SchoolErasedException"/> (410) once the school's key is destroyed.</summary>
    public static async ValueTask<Sealed> SealAsync(this PersonalDataVault vault, Guid schoolId, string field, Guid record, string text,
        CancellationToken ct)
    {
        try
        {
            return await vault.SealAsync(Ids.Tenant(schoolId), schoolId, field, record.ToString(), text, ct);
        }
        catch (SubjectErasedException e) when (e.Subject == schoolId)
        {
            throw new SchoolErasedException(schoolId, e);
        }
    }

    /// <summary>The text read for <paramref name="record"/>; null once the school's key is destroyed (or the value belongs to another record).</summary>
    public static ValueTask<string?> OpenAsync(this PersonalDataVault vault, Sealed? value, Guid record, CancellationToken ct) =>
        vault.UnsealAsync(value, record.ToString(), ct);
}
