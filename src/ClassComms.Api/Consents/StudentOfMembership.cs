using ClassComms.Platform;
using Marten;

namespace ClassComms.Consents;

/// <summary>
/// Which student a caller with the <see cref="Role.Student"/> role is: consent endpoints let a student act for their own student id
/// only. Student accounts (another feature) register the real lookup; until they exist, <see cref="NoStudentAccounts"/> maps no
/// membership to a student, so every student caller gets 404, and the student's path is tested through
/// <see cref="ChangeConsentEndpoint.Decide"/>.
/// </summary>
public interface IStudentOfMembership
{
    /// <summary>The student id of a student membership in the caller's school, or null.</summary>
    Task<Guid?> StudentIdAsync(IQuerySession session, Caller caller, CancellationToken ct);
}

public sealed class NoStudentAccounts : IStudentOfMembership
{
    public Task<Guid?> StudentIdAsync(IQuerySession session, Caller caller, CancellationToken ct) => Task.FromResult<Guid?>(null);
}

public static class ConsentReaders
{
    /// <summary>
    /// Whether the caller may read the student's consents and their history: the student's linked, unrestricted guardians, the class
    /// teacher, leaders, the DPO, and the student themself.
    /// </summary>
    public static async Task<bool> IsStudentAsync(IStudentOfMembership students, IQuerySession session, Caller caller, Guid studentId,
        CancellationToken ct) =>
        caller.Role == Role.Student && await students.StudentIdAsync(session, caller, ct) == studentId;
}
