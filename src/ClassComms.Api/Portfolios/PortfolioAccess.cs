using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.Portfolios;

/// <summary>How the caller may see a student's portfolio.</summary>
public enum PortfolioViewer
{
    /// <summary>Not at all: 404, the portfolio is not theirs to know about.</summary>
    None,

    /// <summary>The student's own account: every item, pending ones included; adds items (pending) and replies.</summary>
    Student,

    /// <summary>A teacher of the student's class or a school leader: every item; adds items (approved at once), approves, comments.</summary>
    Staff,

    /// <summary>A linked, unrestricted guardian while the portfolio-sharing consent stands: approved items only, read only.</summary>
    Guardian,
}

/// <summary>
/// Who sees a portfolio: the student, the teacher of their class, school leaders, and the student's linked, unrestricted guardians
/// while <see cref="ConsentPurposes.PortfolioSharing"/> stands (approved items only). Nobody else: not the DPO, not another
/// class's teacher, not another student or their guardians. Family members (guardians, the student's account) are decided by the
/// one audience decision (<see cref="Visibility"/> with their <see cref="AudienceAccess"/> and a portfolio <see cref="AudienceItem"/>);
/// staff by the class they teach. Used by reads, downloads and pushes.
/// </summary>
public static class PortfolioAccess
{
    /// <summary>
    /// The decision, from the caller, the student and class as stored (null: unknown) and the caller's access document (family
    /// members). A family member is a viewer when they may see an approved item of the student's (<see cref="Visibility"/>).
    /// </summary>
    public static PortfolioViewer Decide(Caller caller, Student? student, SchoolClass? schoolClass, AudienceAccess? access)
    {
        if (student is null || student.Erased) return PortfolioViewer.None;
        var approvedItem = AudienceItem.PortfolioItem(student.Id, student.ClassId, approved: true, DateTimeOffset.MinValue);
        return caller.Role switch
        {
            Role.Student => access?.Kind == AudienceKinds.Student && Visibility.CanSee(access, approvedItem) ? PortfolioViewer.Student : PortfolioViewer.None,
            Role.Guardian => access?.Kind == AudienceKinds.Guardian && Visibility.CanSee(access, approvedItem) ? PortfolioViewer.Guardian : PortfolioViewer.None,
            Role.Leader => PortfolioViewer.Staff,
            Role.Teacher => schoolClass is not null && schoolClass.Id == student.ClassId && schoolClass.TeacherId == caller.UserId
                ? PortfolioViewer.Staff
                : PortfolioViewer.None,
            _ => PortfolioViewer.None,
        };
    }

    /// <summary>
/// Whether a viewer sees an item: none once deleted; staff all; family members as <see cref="Visibility"/> says (guardians:
/// approved ones).
/// </summary>
    public static bool Sees(PortfolioViewer viewer, AudienceAccess? access, PortfolioItem item) => !item.Deleted && viewer switch
    {
        PortfolioViewer.Staff => true,
        PortfolioViewer.Student or PortfolioViewer.Guardian =>
            Visibility.CanSee(access, AudienceItem.PortfolioItem(item.StudentId, item.ClassId, item.Approved, item.AddedAt)),
        _ => false,
    };

    /// <summary>How the caller sees the student's portfolio: student, class (teachers) and access document (family) in one round trip.</summary>
    public static async Task<(PortfolioViewer Viewer, AudienceAccess? Access)> ViewerAsync(IQuerySession session, Caller caller, Guid studentId,
        CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var studentLoad = batch.Load<Student>(studentId);
        var accessLoad = caller.Role is Role.Guardian or Role.Student ? AudienceAccess.InBatch(batch, caller.UserId) : null;
        await batch.Execute(ct);
        var student = await studentLoad;
        var access = accessLoad is null ? null : await accessLoad();
        var schoolClass = student is not null && caller.Role == Role.Teacher ? await session.LoadAsync<SchoolClass>(student.ClassId, ct) : null;
        var viewer = Decide(caller, student, schoolClass, access);
        // A frozen student's portfolio is read and written by no staff member (the family is already kept out by Visibility's Frozen flag).
        if (viewer == PortfolioViewer.Staff && await ProcessingRestriction.Restrictions.HiddenFromAsync(session, caller, studentId, ct)) viewer = PortfolioViewer.None;
        return (viewer, access);
    }

    /// <summary>
    /// The students of <paramref name="students"/> (all of <paramref name="schoolClass"/>) whose portfolio the caller sees as staff: the
    /// decision <see cref="ViewerAsync"/> takes one student at a time (<see cref="Decide"/>, then frozen students left out for staff), for a
    /// class-wide read with the class's restrictions (<see cref="ProcessingRestriction.SubjectRestriction"/>) read in one batch.
    /// </summary>
    public static IReadOnlyList<Student> StaffViewable(Caller caller, SchoolClass schoolClass, IEnumerable<Student> students, IReadOnlySet<Guid> frozen) =>
        students.Where(s => Decide(caller, s, schoolClass, null) == PortfolioViewer.Staff && (caller.Role == Role.Dpo || !frozen.Contains(s.Id))).ToList();

    /// <summary>Whether the caller may see the item now (a portfolio attachment's download).</summary>
    public static async Task<bool> CanSeeItemAsync(IQuerySession session, Caller caller, Guid itemId, CancellationToken ct)
    {
        var item = await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null) return false;
        var (viewer, access) = await ViewerAsync(session, caller, item.StudentId, ct);
        return Sees(viewer, access, item);
    }
}
