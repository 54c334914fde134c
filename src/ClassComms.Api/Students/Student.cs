using ClassComms.Consents;
using ClassComms.PersonalData;

namespace ClassComms.Students;

// Events of the student stream (stream id = student id, which is also the student's data-subject id).

public sealed record StudentEnrolled(Guid StudentId, Guid EnrolledBy, Guid ClassId, Sealed Name, DateTimeOffset At);

public sealed record GuardianLinked(Guid StudentId, Guid GuardianId, Guid ParentCodeId, DateTimeOffset At);

/// <summary>Custody restriction: from now on the guardian sees and receives nothing about the student.</summary>
public sealed record GuardianRestricted(Guid StudentId, Guid RestrictedBy, Guid GuardianId, DateTimeOffset At);

/// <summary>The student's key was destroyed; personal values sealed for them are unreadable from now on.</summary>
public sealed record StudentErased(Guid StudentId, Guid ErasedBy, DateTimeOffset At);

/// <summary>The guardian no longer has any link to the student (unlinked by the school, or erased).</summary>
public sealed record GuardianUnlinked(Guid StudentId, Guid UnlinkedBy, Guid GuardianId, DateTimeOffset At);

public sealed record GuardianLink(Guid GuardianId, bool Restricted, DateTimeOffset LinkedAt);

/// <summary>The student aggregate and its inline snapshot (write model and read model).</summary>
public sealed record Student(
    Guid Id,
    Guid ClassId,
    Sealed? Name,
    IReadOnlyList<GuardianLink> Guardians,
    IReadOnlyList<Guid> VisibleGuardianIds,
    IReadOnlyList<Guid> GuardianIds,
    int PositivePoints,
    int NeedsWorkPoints,
    DateTimeOffset EnrolledAt,
    DateTimeOffset? ErasedAt,
    IReadOnlyList<string>? Consents = null,
    Sealed? BirthDate = null,
    DateTimeOffset? AgeOfConsentReachedAt = null,
    IReadOnlyList<string>? ConsentsToConfirm = null)
{
    /// <summary>Purposes (<see cref="ConsentPurposes"/>) the student's consent currently stands for.</summary>
    public IReadOnlyList<string> ConsentsGiven => Consents ?? [];

    /// <summary>Consents given before the student's age of consent, still in force, that the student has not yet confirmed or withdrawn.</summary>
    public IReadOnlyList<string> ConsentsAwaitingStudent => ConsentsToConfirm ?? [];

    public bool HasConsent(string purpose) => !Erased && ConsentsGiven.Contains(purpose);

    public bool Erased => ErasedAt is not null;

    public static Student Create(StudentEnrolled e) => new(e.StudentId, e.ClassId, e.Name, [], [], [], 0, 0, e.At, null);

    public Student Apply(GuardianLinked e)
    {
        if (Erased || Guardians.Any(g => g.GuardianId == e.GuardianId)) return this;
        var guardians = Guardians.Append(new GuardianLink(e.GuardianId, false, e.At)).ToList();
        return this with { Guardians = guardians, VisibleGuardianIds = Visible(guardians), GuardianIds = guardians.Select(g => g.GuardianId).ToList() };
    }

    public Student Apply(GuardianUnlinked e)
    {
        var guardians = Guardians.Where(g => g.GuardianId != e.GuardianId).ToList();
        return this with { Guardians = guardians, VisibleGuardianIds = Visible(guardians), GuardianIds = guardians.Select(g => g.GuardianId).ToList() };
    }

    public Student Apply(GuardianRestricted e)
    {
        var guardians = Guardians.Select(g => g.GuardianId == e.GuardianId ? g with { Restricted = true } : g).ToList();
        return this with { Guardians = guardians, VisibleGuardianIds = Visible(guardians) };
    }

    public Student Apply(Points.PointAwarded e) => e.Positive
        ? this with { PositivePoints = PositivePoints + e.Value }
        : this with { NeedsWorkPoints = NeedsWorkPoints + e.Value };

    public Student Apply(Points.PointRemoved e) => e.Positive
        ? this with { PositivePoints = PositivePoints - e.Value }
        : this with { NeedsWorkPoints = NeedsWorkPoints - e.Value };

    public Student Apply(ConsentGiven e)
    {
        if (Erased) return this;
        // From the age of consent, a change by anyone but a guardian is the student's own answer: a re-asked consent is confirmed.
        var confirmed = AgeOfConsentReachedAt is not null && e.Source != ConsentSource.Guardian
            ? this with { ConsentsToConfirm = ConsentsAwaitingStudent.Where(p => p != e.Purpose).ToList() }
            : this;
        return ConsentsGiven.Contains(e.Purpose) ? confirmed : confirmed with { Consents = ConsentsGiven.Append(e.Purpose).ToList() };
    }

    public Student Apply(ConsentWithdrawn e) => this with
    {
        Consents = ConsentsGiven.Where(p => p != e.Purpose).ToList(),
        ConsentsToConfirm = ConsentsAwaitingStudent.Where(p => p != e.Purpose).ToList(),
    };

    public Student Apply(StudentBirthDateRecorded e) => Erased ? this : this with { BirthDate = e.BirthDate };

    public Student Apply(StudentReachedAgeOfConsent e) => Erased || AgeOfConsentReachedAt is not null
        ? this
        : this with { AgeOfConsentReachedAt = e.At, ConsentsToConfirm = e.Reasked.Where(ConsentsGiven.Contains).ToList() };

    /// <summary>A corrected name (Rectification/): read everywhere from now on; ignored once erased.</summary>
    public Student Apply(Rectification.StudentNameRectified e) => Erased ? this : this with { Name = e.Name };

    public Student Apply(StudentErased e) => this with
    {
        Name = null, VisibleGuardianIds = [], ErasedAt = e.At, Consents = [], BirthDate = null, ConsentsToConfirm = [],
    };

    public bool IsVisibleTo(Guid guardianId) => !Erased && VisibleGuardianIds.Contains(guardianId);

    private static List<Guid> Visible(IEnumerable<GuardianLink> guardians) =>
        guardians.Where(g => !g.Restricted).Select(g => g.GuardianId).ToList();
}
