using ClassComms.Classes;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Students;

/// <summary>Object-level authorization for students. Sessions are already scoped to the caller's school.</summary>
public static class StudentAccess
{
    /// <summary>The student if the caller may see them: a visible (linked, unrestricted) guardian, or staff of the class.</summary>
    public static async Task<Student?> ReadableAsync(IQuerySession session, Caller caller, Guid studentId, CancellationToken ct)
    {
        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null) return null;
        if (caller.Role == Role.Guardian) return student.IsVisibleTo(caller.UserId) ? student : null;
        if (!caller.IsStaff) return null;
        return await ClassAccess.ReadableAsync(session, caller, student.ClassId, ct) is null ? null : student;
    }

    /// <summary>The student and class if the caller teaches the student's class (or leads the school).</summary>
    public static async Task<(Student Student, SchoolClass Class)?> TeachableAsync(IQuerySession session, Caller caller, Guid studentId, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return null;
        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null) return null;
        var schoolClass = await session.LoadAsync<SchoolClass>(student.ClassId, ct);
        return schoolClass is not null && ClassAccess.CanTeach(caller, schoolClass) ? (student, schoolClass) : null;
    }
}
