using ClassComms.Consents;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Marten.Services.BatchQuerying;

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
/// <see cref="Frozen"/>: the DPO restricted the processing of the child's data (ProcessingRestriction/): nothing about them is shown
/// until it is lifted.
public sealed record AudienceChild(Guid StudentId, Guid ClassId, bool Restricted, DateTimeOffset LinkedAt, DateTimeOffset? RestrictedAt,
    IReadOnlyList<string> Consents, bool Frozen = false)
{
    public bool HasConsent(string purpose) => Consents.Contains(purpose);
}

/// <summary>
/// What one family member may see in a school (a guardian's membership, or a student account): their children (a student:
/// themself), the classes of their unrestricted children, the children's consents and the classes whose pushes they muted.
/// Composed from the person's <see cref="AudienceLink"/> rows and <see cref="AudienceMutes"/>, which are written inline in the
/// transaction of every event that changes them (<see cref="AudienceAccessProjection"/>), so a read right after a commit sees
/// it; <see cref="LoadAsync"/> reads it in one round trip (indexed). One row per (person, child) rather than one document per
/// person: every change to a row is an event of that child's stream, so two children linked at once never overwrite each other.
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

    /// <summary>The person's access from their rows, or null when they hold no child (no link: nothing to see).</summary>
    public static AudienceAccess? From(Guid id, IReadOnlyList<AudienceLink> links, AudienceMutes? mutes) =>
        links.Count == 0
            ? null
            : Empty(id, links[0].Kind).WithChildren(links.OrderBy(l => l.LinkedAt).Select(l => l.ToChild()).ToList()) with
            {
                MutedClassIds = mutes?.ClassIds ?? [],
            };

    /// <summary>One person's access (one round trip).</summary>
    public static async Task<AudienceAccess?> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var load = InBatch(batch, id);
        await batch.Execute(ct);
        return await load();
    }

    /// <summary>Adds one person's access to a batch; read it after the batch executed.</summary>
    public static Func<Task<AudienceAccess?>> InBatch(IBatchedQuery batch, Guid id)
    {
        var links = batch.Query<AudienceLink>().Where(x => x.PersonId == id).ToList();
        var mutes = batch.Load<AudienceMutes>(id);
        return async () => From(id, await links, await mutes);
    }

    /// <summary>
    /// The access of everyone holding any of <paramref name="studentIds"/>, restricted or not (indexed; one round trip). Every
    /// push of a point, a message or a portfolio item asks this, so it is plain SQL in one batch: the people are found inside the
    /// statements that read their links and mutes. (As a LINQ query and then a batch it took two round trips, and translating
    /// the LINQ expression was 5.8 % of the API's busy thread time under award saturation.)
    /// </summary>
    public static async Task<IReadOnlyList<AudienceAccess>> HoldingAnyAsync(IQuerySession session, IReadOnlyCollection<Guid> studentIds,
        CancellationToken ct)
    {
        if (studentIds.Count == 0) return [];
        var ids = studentIds.Distinct().ToArray();
        var holders = $"select (h.data ->> 'PersonId')::uuid from {Notifications.ReadPositions.DocumentTable<AudienceLink>()} h "
                      + "where h.tenant_id = ? and (h.data ->> 'StudentId')::uuid = any(?)";
        var batch = session.CreateBatchQuery();
        var linksLoad = batch.Query<AudienceLink>($"where tenant_id = ? and (data ->> 'PersonId')::uuid = any(array({holders}))",
            session.TenantId, session.TenantId, ids);
        var mutesLoad = batch.Query<AudienceMutes>($"where tenant_id = ? and id = any(array({holders}))", session.TenantId, session.TenantId, ids);
        await batch.Execute(ct);
        var links = (await linksLoad).ToLookup(l => l.PersonId);
        var mutes = (await mutesLoad).ToDictionary(m => m.Id);
        return links.Select(person => From(person.Key, person.ToList(), mutes.GetValueOrDefault(person.Key))).OfType<AudienceAccess>().ToList();
    }

    /// <summary>The access of everyone who currently has an unrestricted child in the class (indexed; two round trips).</summary>
    public static async Task<IReadOnlyList<AudienceAccess>> OfClassAsync(IQuerySession session, Guid classId, CancellationToken ct)
    {
        var people = await session.Query<AudienceLink>().Where(x => x.ClassId == classId && !x.Restricted).Select(x => x.PersonId).ToListAsync(ct);
        return await OfPeopleAsync(session, people, ct);
    }

    /// <summary>
    /// <see cref="OfClassAsync"/> added to a batch, so it costs no round trip of its own: the links and mutes of everyone who
    /// currently has an unrestricted child in the class, selected in SQL by the class (the same indexed lookup, as a subquery).
    /// Read it after the batch executed.
    /// </summary>
    public static Func<Task<IReadOnlyList<AudienceAccess>>> OfClassInBatch(IBatchedQuery batch, string tenant, Guid classId) =>
        OfPeopleInBatch(batch, tenant,
            $"select cast(c.data ->> 'PersonId' as uuid) from {LinkTable} c where c.tenant_id = ? and cast(c.data ->> 'ClassId' as uuid) = ? " +
            "and not cast(c.data ->> 'Restricted' as boolean)", classId);

    /// <summary><see cref="HoldingAnyAsync"/> for one student, added to a batch (no round trip of its own). Read it after the batch executed.</summary>
    public static Func<Task<IReadOnlyList<AudienceAccess>>> HoldingInBatch(IBatchedQuery batch, string tenant, Guid studentId) =>
        OfPeopleInBatch(batch, tenant,
            $"select cast(c.data ->> 'PersonId' as uuid) from {LinkTable} c where c.tenant_id = ? and cast(c.data ->> 'StudentId' as uuid) = ?", studentId);

    /// <summary>
    /// <see cref="HoldingAnyAsync"/> for the students of some points, added to a batch (no round trip of its own): the people
    /// holding the students the point entries name, selected in SQL from the entries (the students' indexed link lookup as a
    /// subquery), so a point push reads its points and their audience in one round trip. Read it after the batch executed.
    /// </summary>
    public static Func<Task<IReadOnlyList<AudienceAccess>>> HoldingStudentsOfPointsInBatch(IBatchedQuery batch, string tenant, Guid[] pointIds) =>
        OfPeopleInBatch(batch, tenant,
            $"select cast(c.data ->> 'PersonId' as uuid) from {LinkTable} c where c.tenant_id = ? and cast(c.data ->> 'StudentId' as uuid) = any(array" +
            $"(select cast(p.data ->> 'StudentId' as uuid) from {Notifications.ReadPositions.DocumentTable<Points.PointEntry>()} p where p.tenant_id = ? and p.id = any(?)))",
            tenant, pointIds);

    /// <summary>
    /// <see cref="HoldingInBatch"/> for the student of a conversation (a thread), found from the conversation in SQL, so that it
    /// is read in the same round trip as the conversation; nobody for an announcement (no student). Read it after the batch executed.
    /// </summary>
    public static Func<Task<IReadOnlyList<AudienceAccess>>> HoldingStudentOfConversationInBatch(IBatchedQuery batch, string tenant, Guid conversationId) =>
        OfPeopleInBatch(batch, tenant,
            $"select cast(c.data ->> 'PersonId' as uuid) from {LinkTable} c where c.tenant_id = ? and cast(c.data ->> 'StudentId' as uuid) = " +
            $"(select cast(v.data ->> 'StudentId' as uuid) from {Notifications.ReadPositions.DocumentTable<Conversations.Conversation>()} v where v.tenant_id = ? and v.id = ?)",
            tenant, conversationId);

    private static readonly string LinkTable = $"classcomms.mt_doc_{nameof(AudienceLink).ToLowerInvariant()}";
    private static readonly string MuteTable = $"classcomms.mt_doc_{nameof(AudienceMutes).ToLowerInvariant()}";

    /// <summary>Links and mutes of the people <paramref name="people"/> (a select of person ids taking the tenant and then <paramref name="keys"/>) names.</summary>
    private static Func<Task<IReadOnlyList<AudienceAccess>>> OfPeopleInBatch(IBatchedQuery batch, string tenant, string people, params object[] keys)
    {
        object[] Arguments() => [tenant, tenant, .. keys];
        var linksLoad = batch.Query<AudienceLink>(
            $"select data from {LinkTable} where tenant_id = ? and cast(data ->> 'PersonId' as uuid) = any(array({people}))", Arguments());
        var mutesLoad = batch.Query<AudienceMutes>($"select data from {MuteTable} where tenant_id = ? and id = any(array({people}))", Arguments());
        return async () =>
        {
            var mutes = (await mutesLoad).ToDictionary(m => m.Id);
            return (await linksLoad).GroupBy(l => l.PersonId)
                .Select(links => From(links.Key, links.ToList(), mutes.GetValueOrDefault(links.Key))).OfType<AudienceAccess>().ToList();
        };
    }

    /// <summary>Everyone with an unrestricted child anywhere in the school (the School Story's families): ids only, one indexed query.</summary>
    public static async Task<IReadOnlyList<Guid>> OfSchoolAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Query<AudienceLink>().Where(x => !x.Restricted).Select(x => x.PersonId).ToListAsync(ct)).Distinct().ToList();

    /// <summary>The access of everyone with an unrestricted child anywhere in the school (a school-wide announcement; two round trips).</summary>
    public static async Task<IReadOnlyList<AudienceAccess>> OfSchoolAccessAsync(IQuerySession session, CancellationToken ct) =>
        await OfPeopleAsync(session, await OfSchoolAsync(session, ct), ct);

    private static async Task<IReadOnlyList<AudienceAccess>> OfPeopleAsync(IQuerySession session, IReadOnlyList<Guid> people, CancellationToken ct)
    {
        var ids = people.Distinct().ToArray();
        if (ids.Length == 0) return [];
        var batch = session.CreateBatchQuery();
        var linksLoad = batch.Query<AudienceLink>().Where(x => x.PersonId.IsOneOf(ids)).ToList();
        var mutesLoad = batch.LoadMany<AudienceMutes>().ById(ids);
        await batch.Execute(ct);
        var links = (await linksLoad).ToLookup(l => l.PersonId);
        var mutes = (await mutesLoad).ToDictionary(m => m.Id);
        return ids.Select(id => From(id, links[id].ToList(), mutes.GetValueOrDefault(id))).OfType<AudienceAccess>().ToList();
    }
}

/// <summary>One person's link to one child (tenant document, id <c>person:student</c>). Ids and facts only.</summary>
public sealed record AudienceLink(string Id, Guid PersonId, string Kind, Guid StudentId, Guid ClassId, bool Restricted, DateTimeOffset LinkedAt,
    DateTimeOffset? RestrictedAt, IReadOnlyList<string> Consents, bool Frozen = false)
{
    public static string IdFor(Guid personId, Guid studentId) => $"{personId:N}:{studentId:N}";

    public AudienceChild ToChild() => new(StudentId, ClassId, Restricted, LinkedAt, RestrictedAt, Consents, Frozen);
}

/// <summary>The classes whose pushes a guardian muted (tenant document keyed by the guardian's membership id).</summary>
public sealed record AudienceMutes(Guid Id, IReadOnlyList<Guid> ClassIds);

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
/// Inline: keeps the <see cref="AudienceLink"/> rows and <see cref="AudienceMutes"/> in step with links, restrictions, unlinks,
/// erasures, consents, mutes and student accounts, in the transaction of those events. A child's events reach every row of that
/// child through one indexed query; rows changed earlier in the same transaction are taken from memory.
/// </summary>
public sealed class AudienceAccessProjection : IProjection
{
    public static readonly Type[] Handled =
    [
        typeof(GuardianLinked), typeof(GuardianRestricted), typeof(GuardianUnlinked), typeof(StudentErased), typeof(ConsentGiven),
        typeof(ConsentWithdrawn), typeof(ClassMuted), typeof(ClassUnmuted), typeof(StudentAccountLinked), typeof(StudentAccountUnlinked),
        typeof(ProcessingRestriction.ProcessingRestricted), typeof(ProcessingRestriction.ProcessingRestrictionLifted),
    ];

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var relevant = events.Where(e => Handled.Contains(e.Data.GetType())).ToList();
        if (relevant.Count == 0) return;
        var links = new Dictionary<string, AudienceLink?>();
        var changedLinks = new HashSet<string>();
        var mutes = new Dictionary<Guid, AudienceMutes>();

        async Task<AudienceLink?> Get(Guid person, Guid student)
        {
            var id = AudienceLink.IdFor(person, student);
            if (!links.TryGetValue(id, out var link)) links[id] = link = await operations.LoadAsync<AudienceLink>(id, cancellation);
            return link;
        }

        void Put(AudienceLink link)
        {
            links[link.Id] = link;
            changedLinks.Add(link.Id);
        }

        void Remove(string id)
        {
            links[id] = null;
            changedLinks.Remove(id);
            operations.Delete<AudienceLink>(id);
        }

        async Task<IReadOnlyList<AudienceLink>> OfStudent(Guid student)
        {
            foreach (var stored in await operations.Query<AudienceLink>().Where(x => x.StudentId == student).ToListAsync(cancellation))
            {
                links.TryAdd(stored.Id, stored);
            }

            return links.Values.OfType<AudienceLink>().Where(l => l.StudentId == student).ToList();
        }

        async Task Link(Guid person, string kind, Guid studentId, DateTimeOffset at)
        {
            if (await Get(person, studentId) is not null) return;
            // Enrolment always commits before a link, so the student's snapshot is there; its consents are current too.
            var student = await operations.LoadAsync<Student>(studentId, cancellation);
            if (student is null || student.Erased) return;
            var frozen = await operations.LoadAsync<ProcessingRestriction.SubjectRestriction>(studentId, cancellation) is not null;
            Put(new AudienceLink(AudienceLink.IdFor(person, studentId), person, kind, studentId, student.ClassId, false, at, null,
                student.ConsentsGiven.ToList(), frozen));
        }

        async Task Mute(Guid guardian, Func<IReadOnlyList<Guid>, IReadOnlyList<Guid>> change)
        {
            if (!mutes.TryGetValue(guardian, out var current))
            {
                current = await operations.LoadAsync<AudienceMutes>(guardian, cancellation) ?? new AudienceMutes(guardian, []);
            }

            mutes[guardian] = current with { ClassIds = change(current.ClassIds) };
        }

        foreach (var e in relevant)
        {
            switch (e.Data)
            {
                case GuardianLinked linked:
                    await Link(linked.GuardianId, AudienceKinds.Guardian, linked.StudentId, linked.At);
                    break;
                case StudentAccountLinked opened:
                    await Link(opened.AccountId, AudienceKinds.Student, opened.StudentId, opened.At);
                    break;
                case GuardianRestricted restricted:
                    if (await Get(restricted.GuardianId, restricted.StudentId) is { Restricted: false } current)
                    {
                        Put(current with { Restricted = true, RestrictedAt = restricted.At });
                    }

                    break;
                case GuardianUnlinked unlinked:
                    Remove(AudienceLink.IdFor(unlinked.GuardianId, unlinked.StudentId));
                    break;
                case StudentAccountUnlinked closed:
                    Remove(AudienceLink.IdFor(closed.AccountId, closed.StudentId));
                    break;
                case StudentErased erased:
                    foreach (var link in await OfStudent(erased.StudentId)) Remove(link.Id);
                    break;
                case ConsentGiven given:
                    foreach (var link in await OfStudent(given.StudentId))
                    {
                        if (!link.Consents.Contains(given.Purpose)) Put(link with { Consents = [.. link.Consents, given.Purpose] });
                    }

                    break;
                case ConsentWithdrawn withdrawn:
                    foreach (var link in await OfStudent(withdrawn.StudentId))
                    {
                        if (link.Consents.Contains(withdrawn.Purpose)) Put(link with { Consents = link.Consents.Where(p => p != withdrawn.Purpose).ToList() });
                    }

                    break;
                case ProcessingRestriction.ProcessingRestricted frozen:
                    foreach (var link in await OfStudent(frozen.SubjectId)) Put(link with { Frozen = true });
                    break;
                case ProcessingRestriction.ProcessingRestrictionLifted lifted:
                    foreach (var link in await OfStudent(lifted.SubjectId)) Put(link with { Frozen = false });
                    break;
                case ClassMuted muted:
                    await Mute(muted.GuardianId, c => c.Contains(muted.ClassId) ? c : [.. c, muted.ClassId]);
                    break;
                case ClassUnmuted unmuted:
                    await Mute(unmuted.GuardianId, c => c.Where(x => x != unmuted.ClassId).ToList());
                    break;
            }
        }

        foreach (var id in changedLinks) operations.Store(links[id]!);
        foreach (var m in mutes.Values) operations.Store(m);
    }
}
