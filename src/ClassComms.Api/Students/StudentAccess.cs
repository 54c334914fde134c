using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Students;

/// <summary>Object-level authorization for students. Sessions are already scoped to the caller's school.</summary>
public static class StudentAccess
{
    /// <summary>
    /// The student if the caller may see their record: a guardian or student account whose access document allows it
    /// (<see cref="Visibility"/>; loaded with the student in one round trip), or staff of the class.
    /// </summary>
    public static async Task<Student?> ReadableAsync(IQuerySession session, Caller caller, Guid studentId, CancellationToken ct)
    {
        if (caller.Role is Role.Guardian or Role.Student)
        {
            var batch = session.CreateBatchQuery();
            var studentLoad = batch.Load<Student>(studentId);
            var accessLoad = AudienceAccess.InBatch(batch, caller.UserId);
            await batch.Execute(ct);
            var found = await studentLoad;
            return found is { Erased: false } && Visibility.CanSee(await accessLoad(), AudienceItem.Record(found.Id, found.ClassId)) ? found : null;
        }

        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null) return null;
        if (!caller.IsStaff) return null;
        // A student whose processing the DPO restricted is read by the DPO only (ProcessingRestriction/).
        if (await ProcessingRestriction.Restrictions.HiddenFromAsync(session, caller, studentId, ct)) return null;
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
