using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.Incidents;

/// <summary>Checks the register's requests share: the DPO only, dates not in the future, known words, known people.</summary>
public static class IncidentInput
{
    public static IResult? DpoOnly(Caller caller) =>
        caller.Role == Role.Dpo ? null : Problems.Forbidden("Only the school's DPO keeps the confidentiality incident register.");

    public static void Date(Validation validation, DateTimeOffset? value, string field, DateTimeOffset now, DateTimeOffset? notBefore = null,
        string? notBeforeField = null)
    {
        if (value is null) validation.Add(field, "is required.");
        else if (value > now) validation.Add(field, "must not be in the future.");
        else if (notBefore is not null && value < notBefore) validation.Add(field, $"must not be before {notBeforeField}.");
    }

    public static void OneOf(Validation validation, string? value, string field, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(value)) validation.Add(field, "is required.");
        else if (!allowed.Contains(value)) validation.Add(field, $"must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>The ids that are neither a student nor a member of the caller's school.</summary>
    public static async Task<bool> AllKnownAsync(IQuerySession session, Caller caller, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return true;
        var students = (await session.LoadManyAsync<Student>(ct, ids)).Select(s => s.Id);
        var members = (await session.LoadManyAsync<UserAccount>(ct, ids)).Where(a => a.SchoolId == caller.SchoolId).Select(a => a.Id);
        return ids.All(students.Concat(members).ToHashSet().Contains);
    }
}
