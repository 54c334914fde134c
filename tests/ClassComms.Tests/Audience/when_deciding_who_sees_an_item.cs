using ClassComms.Audience;
using ClassComms.Consents;
using ClassComms.Conversations;

namespace ClassComms.Tests.Audience;

/// <summary>
/// The visibility rules (<see cref="Visibility.CanSee"/>) as a table, without a host or a database: one row per person and
/// item. The endpoints' tests (<c>when_a_guardian_is_linked_later</c> and the authorization tests of each feature)
/// show the reads and pushes ask it.
/// </summary>
public sealed class when_deciding_who_sees_an_item
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Linked = T0.AddDays(30);
    private static readonly Guid ClassA = Guid.CreateVersion7();
    private static readonly Guid ClassB = Guid.CreateVersion7();
    private static readonly Guid Ada = Guid.CreateVersion7();     // the viewer's child, class A, consents: class story, portfolio
    private static readonly Guid Ben = Guid.CreateVersion7();     // another child of class A, not the viewer's
    private static readonly Guid Cal = Guid.CreateVersion7();     // the viewer's child in class B, from whom the viewer is restricted
    private static readonly Guid Guardian = Guid.CreateVersion7();
    private static readonly Guid OtherGuardian = Guid.CreateVersion7();

    private static AudienceAccess Parent() => AudienceAccess.Empty(Guardian, AudienceKinds.Guardian).WithChildren(
    [
        new AudienceChild(Ada, ClassA, false, Linked, null, [ConsentPurposes.ClassStoryMedia, ConsentPurposes.PortfolioSharing]),
        new AudienceChild(Cal, ClassB, true, T0, Linked, [ConsentPurposes.ClassStoryMedia, ConsentPurposes.PortfolioSharing]),
    ]);

    private static AudienceAccess ParentWithoutPortfolioConsent() => AudienceAccess.Empty(Guardian, AudienceKinds.Guardian).WithChildren(
        [new AudienceChild(Ada, ClassA, false, Linked, null, [ConsentPurposes.ClassStoryMedia])]);

    private static AudienceAccess ParentRestrictedFromEveryChild() => AudienceAccess.Empty(Guardian, AudienceKinds.Guardian).WithChildren(
        [new AudienceChild(Cal, ClassB, true, T0, Linked, [])]);

    private static Conversation SchoolAnnouncement() =>
        new(Guid.CreateVersion7(), ConversationKinds.SchoolAnnouncement, Guid.Empty, null, [], [], [Guid.CreateVersion7()], T0, T0, 1);

    private static AudienceAccess StudentAda() => AudienceAccess.Empty(Guid.CreateVersion7(), AudienceKinds.Student).WithChildren(
        [new AudienceChild(Ada, ClassA, false, Linked, null, [])]);

    private static Conversation Thread(string kind, Guid student, Guid classId, params Guid[] guardians) =>
        new(Guid.CreateVersion7(), kind, classId, student, guardians, [], [Guid.CreateVersion7()], T0, T0, 1);

    private static Conversation Announcement(Guid classId, params Guid[] about) =>
        new(Guid.CreateVersion7(), ConversationKinds.Announcement, classId, null, [], about, [Guid.CreateVersion7()], T0, T0, 1);

    private static readonly IReadOnlyDictionary<string, AudienceItem> Items = new Dictionary<string, AudienceItem>
    {
        ["Ada's point"] = AudienceItem.Record(Ada, ClassA),
        ["Ben's point"] = AudienceItem.Record(Ben, ClassA),
        ["Cal's point"] = AudienceItem.Record(Cal, ClassB),
        ["shared thread about Ada, before the link"] = AudienceItem.Message(Thread(ConversationKinds.Shared, Ada, ClassA), Linked.AddTicks(-1)),
        ["shared thread about Ada, at the link"] = AudienceItem.Message(Thread(ConversationKinds.Shared, Ada, ClassA), Linked),
        ["shared thread about Ada, after the link"] = AudienceItem.Message(Thread(ConversationKinds.Shared, Ada, ClassA), Linked.AddDays(1)),
        ["shared thread about Cal, after the restriction"] = AudienceItem.Message(Thread(ConversationKinds.Shared, Cal, ClassB), Linked.AddDays(1)),
        ["shared thread about Ben"] = AudienceItem.Message(Thread(ConversationKinds.Shared, Ben, ClassA), Linked.AddDays(1)),
        ["private thread about Ada with the viewer, before the link"] = AudienceItem.Message(Thread(ConversationKinds.Private, Ada, ClassA, Guardian), T0),
        ["private thread about Ada with the other parent"] = AudienceItem.Message(Thread(ConversationKinds.Private, Ada, ClassA, OtherGuardian), Linked.AddDays(1)),
        ["announcement to class A, before the link"] = AudienceItem.Message(Announcement(ClassA), T0),
        ["announcement to class A about Ben"] = AudienceItem.Message(Announcement(ClassA, Ben), Linked.AddDays(1)),
        ["announcement to class A about Cal"] = AudienceItem.Message(Announcement(ClassA, Cal), Linked.AddDays(1)),
        ["announcement to class B"] = AudienceItem.Message(Announcement(ClassB), Linked.AddDays(1)),
        ["school-wide announcement, before the link"] = AudienceItem.Message(SchoolAnnouncement(), T0),
        ["class A story photo of Ben, consented"] = AudienceItem.StoryMedia(ClassA, [Ben], [Ben], T0),
        ["class A story photo of Ada and Ben, Ben's consent withdrawn"] = AudienceItem.StoryMedia(ClassA, [Ada, Ben], [Ada], T0),
        ["class A story photo of no one"] = AudienceItem.StoryMedia(ClassA, [], [], T0),
        ["class B story photo, no one tagged"] = AudienceItem.StoryMedia(ClassB, [], [], T0),
        ["class B story photo of Cal, consented"] = AudienceItem.StoryMedia(ClassB, [Cal], [Cal], T0),
        ["school story photo of Ben, consented"] = AudienceItem.StoryMedia(null, [Ben], [Ben], T0),
        ["Ada's approved portfolio item, before the link"] = AudienceItem.PortfolioItem(Ada, ClassA, true, T0),
        ["Ada's portfolio item awaiting approval"] = AudienceItem.PortfolioItem(Ada, ClassA, false, Linked.AddDays(1)),
        ["Ben's approved portfolio item"] = AudienceItem.PortfolioItem(Ben, ClassA, true, T0),
        ["Cal's approved portfolio item"] = AudienceItem.PortfolioItem(Cal, ClassB, true, T0),
    };

    public static TheoryData<string, string, bool> Rows => new()
    {
        // A guardian linked to Ada at `Linked`, restricted from Cal.
        { "guardian", "Ada's point", true },
        { "guardian", "Ben's point", false },
        { "guardian", "Cal's point", false },
        { "guardian", "shared thread about Ada, before the link", false },
        { "guardian", "shared thread about Ada, at the link", true },
        { "guardian", "shared thread about Ada, after the link", true },
        { "guardian", "shared thread about Cal, after the restriction", false },
        { "guardian", "shared thread about Ben", false },
        { "guardian", "private thread about Ada with the viewer, before the link", true },
        { "guardian", "private thread about Ada with the other parent", false },
        { "guardian", "announcement to class A, before the link", true },
        { "guardian", "announcement to class A about Ben", true },
        { "guardian", "announcement to class A about Cal", false },
        { "guardian", "announcement to class B", false },
        { "guardian", "school-wide announcement, before the link", true },
        // A guardian restricted from every child they have: no school-wide announcement either.
        { "guardian restricted from every child", "school-wide announcement, before the link", false },
        { "guardian", "class A story photo of Ben, consented", true },
        { "guardian", "class A story photo of Ada and Ben, Ben's consent withdrawn", false },
        { "guardian", "class A story photo of no one", true },
        { "guardian", "class B story photo, no one tagged", false },
        { "guardian", "class B story photo of Cal, consented", false },
        { "guardian", "school story photo of Ben, consented", true },
        { "guardian", "Ada's approved portfolio item, before the link", true },
        { "guardian", "Ada's portfolio item awaiting approval", false },
        { "guardian", "Ben's approved portfolio item", false },
        { "guardian", "Cal's approved portfolio item", false },
        // The same guardian, without portfolio-sharing consent for Ada.
        { "guardian without portfolio consent", "Ada's approved portfolio item, before the link", false },
        { "guardian without portfolio consent", "Ada's point", true },
        // Ada's own student account.
        { "student Ada", "Ada's point", true },
        { "student Ada", "Ben's point", false },
        { "student Ada", "Ada's portfolio item awaiting approval", true },
        { "student Ada", "Ben's approved portfolio item", false },
        { "student Ada", "shared thread about Ada, after the link", false },
        { "student Ada", "private thread about Ada with the viewer, before the link", false },
        { "student Ada", "announcement to class A about Ben", false },
        { "student Ada", "school-wide announcement, before the link", false },
        { "student Ada", "class A story photo of Ben, consented", true },
        { "student Ada", "class A story photo of Ada and Ben, Ben's consent withdrawn", false },
        { "student Ada", "class B story photo, no one tagged", false },
        { "student Ada", "school story photo of Ben, consented", true },
        // No access document: a guardian with no link (or never linked) sees nothing.
        { "unlinked", "Ada's point", false },
        { "unlinked", "announcement to class A, before the link", false },
        { "unlinked", "school-wide announcement, before the link", false },
        { "unlinked", "class A story photo of no one", false },
        { "unlinked", "school story photo of Ben, consented", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void each_person_sees_exactly_what_the_rules_allow(string person, string item, bool sees)
    {
        var access = person switch
        {
            "guardian" => Parent(),
            "guardian without portfolio consent" => ParentWithoutPortfolioConsent(),
            "guardian restricted from every child" => ParentRestrictedFromEveryChild(),
            "student Ada" => StudentAda(),
            _ => null,
        };
        Assert.Equal(sees, Visibility.CanSee(access, Items[item]));
    }

    [Fact]
    public void every_item_of_the_table_has_a_row_for_the_guardian()
    {
        var rows = Rows.Select(r => ((string)r[0], (string)r[1])).ToList();
        Assert.All(Items.Keys, item => Assert.Contains(("guardian", item), rows));
    }

    [Fact]
    public void a_shared_thread_is_visible_from_the_joined_at_and_the_others_from_the_start()
    {
        var access = Parent();
        Assert.Equal(Linked, Visibility.VisibleFrom(access, AudienceItem.Thread(Thread(ConversationKinds.Shared, Ada, ClassA))));
        Assert.Equal(DateTimeOffset.MinValue, Visibility.VisibleFrom(access, AudienceItem.Thread(Thread(ConversationKinds.Private, Ada, ClassA, Guardian))));
        Assert.Equal(DateTimeOffset.MinValue, Visibility.VisibleFrom(access, AudienceItem.Thread(Announcement(ClassA))));
        Assert.Null(Visibility.VisibleFrom(access, AudienceItem.Thread(Thread(ConversationKinds.Shared, Cal, ClassB))));
    }

    [Fact]
    public void a_restriction_removes_the_class_from_the_guardians_classes_unless_another_child_keeps_it()
    {
        var restricted = Parent();
        Assert.Equal([ClassA], restricted.ClassIds);
        Assert.Equal([Ada, Cal], restricted.StudentIds);
        var twoInA = restricted.WithChildren([.. restricted.Children, new AudienceChild(Ben, ClassA, true, T0, Linked, [])]);
        Assert.Equal([ClassA], twoInA.ClassIds);
        Assert.Empty(twoInA.Map(Ada, c => c with { Restricted = true }).ClassIds);
    }
}
