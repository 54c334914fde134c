using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Portfolios;
using ClassComms.Students;

namespace ClassComms.Tests.Portfolios;

/// <summary>
/// The portfolio's visibility (<see cref="PortfolioAccess.Decide"/>, <see cref="PortfolioAccess.Sees"/>; family members through
/// the audience decision and their access documents), as a table, without a host.
/// </summary>
public sealed class when_deciding_who_sees_a_portfolio
{
    private static readonly Guid School = Guid.CreateVersion7();
    private static readonly Guid Teacher = Guid.CreateVersion7();
    private static readonly Guid OtherTeacher = Guid.CreateVersion7();
    private static readonly Guid Ada = Guid.CreateVersion7();
    private static readonly Guid Ben = Guid.CreateVersion7();
    private static readonly Guid Parent = Guid.CreateVersion7();
    private static readonly Guid Restricted = Guid.CreateVersion7();
    private static readonly Guid Stranger = Guid.CreateVersion7();
    private static readonly Guid ClassId = Guid.CreateVersion7();

    private static readonly SchoolClass Class = new(ClassId, Teacher, new Sealed(School, "class.name", "x"), [], [Ada, Ben], DateTimeOffset.UnixEpoch);

    private static Student AdaWith(bool consent, bool erased = false) =>
        new(Ada, ClassId, new Sealed(Ada, "student.name", "x"),
            [new GuardianLink(Parent, false, DateTimeOffset.UnixEpoch), new GuardianLink(Restricted, true, DateTimeOffset.UnixEpoch)],
            [Parent], [Parent, Restricted], 0, 0, DateTimeOffset.UnixEpoch, erased ? DateTimeOffset.UnixEpoch : null,
            consent ? [ConsentPurposes.PortfolioSharing] : [ConsentPurposes.ClassStoryMedia]);

    private static AudienceAccess? AccessOf(string who, bool consent)
    {
        var consents = consent ? new[] { ConsentPurposes.PortfolioSharing } : [ConsentPurposes.ClassStoryMedia];
        AudienceAccess Of(Guid id, string kind, Guid student, bool restricted = false) =>
            AudienceAccess.Empty(id, kind).WithChildren([new AudienceChild(student, ClassId, restricted, DateTimeOffset.UnixEpoch, null, consents)]);
        return who switch
        {
            "the student's own account" => Of(UserOf(who), AudienceKinds.Student, Ada),
            "another student's account" => Of(UserOf(who), AudienceKinds.Student, Ben),
            "a linked guardian with consent" or "a linked guardian without consent" => Of(Parent, AudienceKinds.Guardian, Ada),
            "a restricted guardian with consent" => Of(Restricted, AudienceKinds.Guardian, Ada, restricted: true),
            "another child's guardian" => Of(Stranger, AudienceKinds.Guardian, Ben),
            _ => null,
        };
    }

    private static PortfolioItem Item(bool approved) =>
        new(Guid.CreateVersion7(), Ada, ClassId, Ada, PortfolioRoles.Student, PortfolioKinds.Journal, null, null, DateTimeOffset.UnixEpoch, approved,
            null, null, [], 1);

    public static TheoryData<string, Role, Guid?, bool, PortfolioViewer> Cases() => new()
    {
        { "the student's own account", Role.Student, Ada, true, PortfolioViewer.Student },
        { "another student's account", Role.Student, Ben, true, PortfolioViewer.None },
        { "the class teacher", Role.Teacher, null, true, PortfolioViewer.Staff },
        { "another class's teacher", Role.Teacher, null, true, PortfolioViewer.None },
        { "a leader", Role.Leader, null, false, PortfolioViewer.Staff },
        { "the DPO", Role.Dpo, null, true, PortfolioViewer.None },
        { "a linked guardian with consent", Role.Guardian, null, true, PortfolioViewer.Guardian },
        { "a linked guardian without consent", Role.Guardian, null, false, PortfolioViewer.None },
        { "a restricted guardian with consent", Role.Guardian, null, true, PortfolioViewer.None },
        { "another child's guardian", Role.Guardian, null, true, PortfolioViewer.None },
    };

    private static Guid UserOf(string who) => who switch
    {
        "the class teacher" => Teacher,
        "another class's teacher" => OtherTeacher,
        "a linked guardian with consent" or "a linked guardian without consent" => Parent,
        "a restricted guardian with consent" => Restricted,
        "another child's guardian" => Stranger,
        "the student's own account" => AdasAccount,
        "another student's account" => BensAccount,
        _ => Guid.CreateVersion7(),
    };

    private static readonly Guid AdasAccount = Guid.CreateVersion7();
    private static readonly Guid BensAccount = Guid.CreateVersion7();

    [Theory]
    [MemberData(nameof(Cases))]
    public void each_person_sees_the_portfolio_as_the_table_says(string who, Role role, Guid? studentId, bool consent, PortfolioViewer expected)
    {
        var caller = new Caller(UserOf(who), School, role, studentId);
        Assert.Equal(expected, PortfolioAccess.Decide(caller, AdaWith(consent), Class, AccessOf(who, consent)));
    }

    [Fact]
    public void nobody_sees_an_erased_or_unknown_students_portfolio()
    {
        Assert.Equal(PortfolioViewer.None, PortfolioAccess.Decide(new Caller(Guid.CreateVersion7(), School, Role.Leader), AdaWith(true, erased: true), Class, null));
        Assert.Equal(PortfolioViewer.None, PortfolioAccess.Decide(new Caller(Teacher, School, Role.Teacher), null, Class, null));
        Assert.Equal(PortfolioViewer.None, PortfolioAccess.Decide(new Caller(Parent, School, Role.Guardian), AdaWith(true), Class, null));
    }

    [Fact]
    public void guardians_see_approved_items_only_and_the_student_and_staff_see_pending_ones_too()
    {
        var parent = AccessOf("a linked guardian with consent", consent: true);
        var own = AccessOf("the student's own account", consent: false);
        Assert.False(PortfolioAccess.Sees(PortfolioViewer.Guardian, parent, Item(approved: false)));
        Assert.True(PortfolioAccess.Sees(PortfolioViewer.Guardian, parent, Item(approved: true)));
        Assert.True(PortfolioAccess.Sees(PortfolioViewer.Student, own, Item(approved: false)));
        Assert.True(PortfolioAccess.Sees(PortfolioViewer.Staff, null, Item(approved: false)));
        Assert.False(PortfolioAccess.Sees(PortfolioViewer.None, parent, Item(approved: true)));
    }
}
