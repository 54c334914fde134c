using ClassComms.Consents;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ClassComms.Audience;

public static class AudienceKinds
{
    /// <summary>A guardian's membership in a school: their linked children.</summary>
    public const string Guardian = "guardian";

    /// <summary>A student's own account: themself only.</summary>
    public const string Student = "student";
}

/// <summary>
/// One child in an access document. <see cref="LinkedAt"/> is when this person joined the child (a guardian's link, a student
/// account's opening): it is their joined-at for the child's shared threads. <see cref="Consents"/> are the child's current
/// consents (<see cref="ConsentPurposes"/>). A restricted guardian keeps the row (so announcements and story media about the
/// child are withheld from them too) but sees nothing about the child from <see cref="RestrictedAt"/> on, history included.
/// </summary>
public sealed record AudienceChild(Guid StudentId, Guid ClassId, bool Restricted, DateTimeOffset LinkedAt, DateTimeOffset? RestrictedAt,
    IReadOnlyList<string> Consents)
{
    public bool HasConsent(string purpose) => Consents.Contains(purpose);
}

/// <summary>
/// What one family member may see in a school (tenant document keyed by membership id: a guardian's, or a student account's):
/// their children (a student: themself), the classes of their unrestricted children, the children's consents and the classes
/// whose pushes they muted. Written inline in the transaction of every event that changes it (<see cref="AudienceAccessProjection"/>),
/// so a read right after a commit sees it. Ids only. <see cref="StudentIds"/> (every child, restricted included) and
/// <see cref="ClassIds"/> are flat so that "who has this student" and "who has this class" are one indexed query.
/// Staff are not in it: they see the classes they teach (<c>Classes/ClassAccess</c>) and the conversations they take part in.
/// </summary>
public sealed record AudienceAccess(
    Guid Id,
    string Kind,
    IReadOnlyList<AudienceChild> Children,
    IReadOnlyList<Guid> StudentIds,
    IReadOnlyList<Guid> ClassIds,
    IReadOnlyList<Guid> MutedClassIds)
{
    public static AudienceAccess Empty(Guid id, string kind) => new(id, kind, [], [], [], []);

    public AudienceChild? Child(Guid studentId) => Children.FirstOrDefault(c => c.StudentId == studentId);

    /// <summary>Children this person currently sees (not restricted).</summary>
    public IEnumerable<AudienceChild> VisibleChildren => Children.Where(c => !c.Restricted);

    public bool Muted(Guid classId) => MutedClassIds.Contains(classId);

    public AudienceAccess WithChildren(IReadOnlyList<AudienceChild> children) => this with
    {
        Children = children,
        StudentIds = children.Select(c => c.StudentId).ToList(),
        ClassIds = children.Where(c => !c.Restricted).Select(c => c.ClassId).Distinct().ToList(),
    };

    public AudienceAccess Map(Guid studentId, Func<AudienceChild, AudienceChild> change) =>
        WithChildren(Children.Select(c => c.StudentId == studentId ? change(c) : c).ToList());

    public AudienceAccess Without(Guid studentId) => WithChildren(Children.Where(c => c.StudentId != studentId).ToList());

    /// <summary>All of a person's access documents holding any of <paramref name="studentIds"/> (one round trip, indexed).</summary>
    public static async Task<IReadOnlyList<AudienceAccess>> HoldingAnyAsync(IQuerySession session, IReadOnlyCollection<Guid> studentIds,
        CancellationToken ct)
    {
        if (studentIds.Count == 0) return [];
        if (studentIds.Count == 1)
        {
            var only = studentIds.First();
            return await session.Query<AudienceAccess>().Where(x => x.StudentIds.Contains(only)).ToListAsync(ct);
        }

        var batch = session.CreateBatchQuery();
        var loads = studentIds.Distinct().Select(s => batch.Query<AudienceAccess>().Where(x => x.StudentIds.Contains(s)).ToList()).ToList();
        await batch.Execute(ct);
        var found = new Dictionary<Guid, AudienceAccess>();
        foreach (var load in loads)
        {
            foreach (var access in await load) found[access.Id] = access;
        }

        return found.Values.ToList();
    }

    /// <summary>The access documents of everyone who currently has an unrestricted child in the class (indexed).</summary>
    public static async Task<IReadOnlyList<AudienceAccess>> OfClassAsync(IQuerySession session, Guid classId, CancellationToken ct) =>
        await session.Query<AudienceAccess>().Where(x => x.ClassIds.Contains(classId)).ToListAsync(ct);
}

// Events of a guardian's own stream (stream id = the guardian's membership id). Ids only.

/// <summary>The guardian muted the pushes of one of their children's classes (messages still reach the inbox).</summary>
public sealed record ClassMuted(Guid GuardianId, Guid ClassId, DateTimeOffset At);

public sealed record ClassUnmuted(Guid GuardianId, Guid ClassId, DateTimeOffset At);

// Events of the student stream (stream id = student id) for student accounts. Defined here so that the student-account slices
// append them: the student account's access document (kind student) is made from them, in the same transaction.

/// <summary>A student account (membership <paramref name="AccountId"/>, role Student) now signs in as this student.</summary>
public sealed record StudentAccountLinked(Guid StudentId, Guid AccountId, DateTimeOffset At);

/// <summary>The student account no longer signs in as this student (closed, or the student erased).</summary>
public sealed record StudentAccountUnlinked(Guid StudentId, Guid AccountId, DateTimeOffset At);

/// <summary>
/// Inline: keeps every <see cref="AudienceAccess"/> in step with links, restrictions, unlinks, erasures, consents, mutes and
/// student accounts, in the transaction of those events. A student's events reach every document holding the student
/// through one indexed query; documents changed earlier in the same transaction are taken from memory.
/// </summary>
public sealed class AudienceAccessProjection : IProjection
{
    public static readonly Type[] Handled =
    [
        typeof(GuardianLinked), typeof(GuardianRestricted), typeof(GuardianUnlinked), typeof(StudentErased), typeof(ConsentGiven),
        typeof(ConsentWithdrawn), typeof(ClassMuted), typeof(ClassUnmuted), typeof(StudentAccountLinked), typeof(StudentAccountUnlinked),
    ];

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var relevant = events.Where(e => Handled.Contains(e.Data.GetType())).ToList();
        if (relevant.Count == 0) return;
        var changed = new Dictionary<Guid, AudienceAccess>();
        var loaded = new Dictionary<Guid, AudienceAccess?>();

        async Task<AudienceAccess?> Get(Guid id)
        {
            if (changed.TryGetValue(id, out var c)) return c;
            if (!loaded.TryGetValue(id, out var l)) loaded[id] = l = await operations.LoadAsync<AudienceAccess>(id, cancellation);
            return l;
        }

        async Task Fan(Guid studentId, Func<AudienceAccess, AudienceAccess> change)
        {
            var holders = (await operations.Query<AudienceAccess>().Where(x => x.StudentIds.Contains(studentId)).Select(x => x.Id)
                    .ToListAsync(cancellation))
                .Concat(changed.Values.Where(a => a.StudentIds.Contains(studentId)).Select(a => a.Id)).Distinct().ToList();
            foreach (var id in holders)
            {
                if (await Get(id) is { } access && access.StudentIds.Contains(studentId)) changed[id] = change(access);
            }
        }

        async Task<AudienceChild?> NewChild(Guid studentId, DateTimeOffset at)
        {
            // Enrolment always commits before a link, so the student's snapshot is there; its consents are current too.
            var student = await operations.LoadAsync<Student>(studentId, cancellation);
            return student is null || student.Erased ? null : new AudienceChild(studentId, student.ClassId, false, at, null, student.ConsentsGiven.ToList());
        }

        foreach (var e in relevant)
        {
            switch (e.Data)
            {
                case GuardianLinked linked:
                {
                    var access = await Get(linked.GuardianId) ?? AudienceAccess.Empty(linked.GuardianId, AudienceKinds.Guardian);
                    if (access.Child(linked.StudentId) is not null || await NewChild(linked.StudentId, linked.At) is not { } child) break;
                    changed[access.Id] = access.WithChildren([.. access.Children, child]);
                    break;
                }
                case GuardianRestricted restricted:
                {
                    if (await Get(restricted.GuardianId) is { } access)
                    {
                        changed[access.Id] = access.Map(restricted.StudentId, c => c.Restricted ? c : c with { Restricted = true, RestrictedAt = restricted.At });
                    }

                    break;
                }
                case GuardianUnlinked unlinked:
                {
                    if (await Get(unlinked.GuardianId) is { } access) changed[access.Id] = access.Without(unlinked.StudentId);
                    break;
                }
                case StudentErased erased:
                    await Fan(erased.StudentId, a => a.Without(erased.StudentId));
                    break;
                case ConsentGiven given:
                    await Fan(given.StudentId, a => a.Map(given.StudentId, c => c.HasConsent(given.Purpose) ? c : c with { Consents = [.. c.Consents, given.Purpose] }));
                    break;
                case ConsentWithdrawn withdrawn:
                    await Fan(withdrawn.StudentId, a => a.Map(withdrawn.StudentId, c => c with { Consents = c.Consents.Where(p => p != withdrawn.Purpose).ToList() }));
                    break;
                case ClassMuted muted:
                {
                    var access = await Get(muted.GuardianId) ?? AudienceAccess.Empty(muted.GuardianId, AudienceKinds.Guardian);
                    if (!access.Muted(muted.ClassId)) changed[access.Id] = access with { MutedClassIds = [.. access.MutedClassIds, muted.ClassId] };
                    break;
                }
                case ClassUnmuted unmuted:
                {
                    if (await Get(unmuted.GuardianId) is { } access && access.Muted(unmuted.ClassId))
                    {
                        changed[access.Id] = access with { MutedClassIds = access.MutedClassIds.Where(c => c != unmuted.ClassId).ToList() };
                    }

                    break;
                }
                case StudentAccountLinked opened:
                {
                    var access = await Get(opened.AccountId) ?? AudienceAccess.Empty(opened.AccountId, AudienceKinds.Student);
                    if (await NewChild(opened.StudentId, opened.At) is not { } self) break;
                    changed[access.Id] = access.WithChildren([self]);
                    break;
                }
                case StudentAccountUnlinked closed:
                {
                    if (await Get(closed.AccountId) is { } access) changed[access.Id] = access.Without(closed.StudentId);
                    break;
                }
            }
        }

        foreach (var access in changed.Values) operations.Store(access);
    }
}
