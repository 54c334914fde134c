using ClassComms.Platform;
using Marten;

namespace ClassComms.Classes;

/// <summary>Object-level authorization for classes. Sessions are already scoped to the caller's school.</summary>
public static class ClassAccess
{
    /// <summary>The class, if the caller may read it: its teacher, a leader, or the DPO.</summary>
    public static async Task<SchoolClass?> ReadableAsync(IQuerySession session, Caller caller, Guid classId, CancellationToken ct)
    {
        if (!caller.IsStaff) return null;
        return Readable(caller, await session.LoadAsync<SchoolClass>(classId, ct));
    }

    /// <summary>The decision of <see cref="ReadableAsync"/> on a class already loaded (e.g. in a batch with other reads).</summary>
    public static SchoolClass? Readable(Caller caller, SchoolClass? schoolClass) =>
        caller.IsStaff && schoolClass is not null && (caller.Role is Role.Leader or Role.Dpo || schoolClass.TeacherId == caller.UserId)
            ? schoolClass
            : null;

    /// <summary>Whether the caller may act on the class (award points, enrol students, edit skills).</summary>
    public static bool CanTeach(Caller caller, SchoolClass schoolClass) =>
        caller.Role == Role.Leader || (caller.Role == Role.Teacher && schoolClass.TeacherId == caller.UserId);

    /// <summary>ETag of a stream version, for If-Match.</summary>
    public static string ETag(long version) => $"\"{version}\"";

    /// <summary>Parses If-Match; null when absent. A malformed value is treated as stale.</summary>
    public static long? IfMatch(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw)) return null;
        return long.TryParse(raw.Trim().Trim('"').Replace("W/", "").Trim('"'), out var version) ? version : -1;
    }
}
