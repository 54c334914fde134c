using System.Net;
using ClassComms.AccessLog;
using ClassComms.Portfolios;
using ClassComms.ProcessingRestriction;
using ClassComms.Tests.AccessLog;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Portfolios;

/// <summary><c>GET /api/classes/{id}/portfolio/pending</c>: the class's items waiting for approval in one read, for those who may approve them.</summary>
public sealed class when_reading_a_class_approvals_queue(AppFixture app) : IntegrationTest(app)
{
    private static string Pending(Guid classId) => $"/api/classes/{classId}/portfolio/pending";

    [Fact]
    public async Task the_teacher_gets_every_pending_item_of_the_class_oldest_first_and_nothing_approved_rejected_or_deleted()
    {
        var world = await Api.CreateWorld();
        var (ada, ben, cleo) = (world.Students[0], world.Students[1], world.Students[2]);
        var adaAccount = await Api.StudentAccount(world, 0);
        var benAccount = await Api.StudentAccount(world, 1);
        var first = await Api.AddJournal(adaAccount, ada, "Ada's volcano");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var approved = await Api.AddJournal(adaAccount, ada, "Ada's approved poem");
        var rejected = await Api.AddJournal(benAccount, ben, "Ben's rejected note");
        var deleted = await Api.AddJournal(benAccount, ben, "Ben's deleted note");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Api.AddJournal(benAccount, ben, "Ben's rocket");
        await Api.AddJournal(world.Teacher, cleo, "A teacher's item, approved at once");
        await Api.Approve(world.Teacher, ada, approved.ItemId);
        await Api.Post<object>($"{PortfolioScenarios.Portfolio(ben)}/{rejected.ItemId}/rejection", new RejectPortfolioItem("Try again"), world.Teacher,
            HttpStatusCode.OK);
        await Api.Delete($"{PortfolioScenarios.Portfolio(ben)}/{deleted.ItemId}", benAccount);

        var queue = await Api.Get<PendingPortfolioItems>(Pending(world.ClassId), world.Teacher);

        Assert.Equal([(first.ItemId, ada, "Ada's volcano"), (second.ItemId, ben, "Ben's rocket")],
            queue.Items.Select(i => (i.ItemId, i.StudentId, i.Text)).ToList());
        Assert.All(queue.Items, i => Assert.False(i.Approved || i.Rejected || i.Deleted));
        Assert.False(queue.More);
        Assert.Equal(2, (await Api.Get<PendingPortfolioItems>(Pending(world.ClassId), world.Leader)).Items.Count);
        var firstPage = await Api.Get<PendingPortfolioItems>($"{Pending(world.ClassId)}?limit=1", world.Teacher);
        Assert.Equal([first.ItemId], firstPage.Items.Select(i => i.ItemId).ToList());
        Assert.True(firstPage.More);
    }

    [Fact]
    public async Task another_teacher_a_parent_a_student_and_the_dpo_get_404()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var student = await Api.StudentAccount(world, 0);
        await Api.AddJournal(student, ada, "pending work");
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var otherSchool = await Api.CreateWorld();
        var entries = (await Api.AccessLog(world.Dpo)).Entries.Count;

        foreach (var who in new[] { other, guardian, student, world.Dpo, otherSchool.Leader, otherSchool.Teacher })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Pending(world.ClassId), null, who);
        }

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Pending(Guid.CreateVersion7()), null, world.Teacher);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{Pending(world.ClassId)}?limit=0", null, world.Teacher);
        Assert.Equal(entries, (await Api.AccessLog(world.Dpo)).Entries.Count);
    }

    [Fact]
    public async Task each_student_whose_items_are_shown_is_one_access_log_entry_in_the_chain()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.AddJournal(await Api.StudentAccount(world, 0), ada, "one");
        await Api.AddJournal(await Api.StudentAccount(world, 0), ada, "two");
        await Api.AddJournal(await Api.StudentAccount(world, 1), ben, "three");
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var before = (await Api.AccessLog(world.Dpo)).Entries.Select(e => e.EntryId).ToHashSet();

        await Api.Get<PendingPortfolioItems>(Pending(world.ClassId), world.Teacher);

        var log = (await Api.AccessLog(world.Dpo)) is var page ? page with { Entries = page.Entries.Where(e => !before.Contains(e.EntryId)).ToList() } : null!;
        // Ada and Ben, one entry each (Cleo has nothing pending: nothing of hers was shown).
        Assert.Equal(new[] { ada, ben }.Order(), log.Entries.Select(e => e.StudentId).Order());
        Assert.All(log.Entries, e => Assert.Equal((world.Teacher.UserId, "teacher", AccessKinds.Portfolio, (Guid?)null),
            (e.ReaderId, e.ReaderRole, e.Kind, e.ItemId)));
        var seen = Assert.Single((await Api.ChildAccessLog(guardian, ada)).Entries, e => e.What == AccessKinds.Portfolio);
        Assert.Equal("teacher", seen.Role);
        Assert.True((await Api.VerifyAccessLog(world.Dpo)).Intact);
    }

    [Fact]
    public async Task a_frozen_students_items_are_left_out_as_their_portfolio_is_out_of_staff_reach()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.AddJournal(await Api.StudentAccount(world, 0), ada, "Ada's");
        var bens = await Api.AddJournal(await Api.StudentAccount(world, 1), ben, "Ben's");
        await Api.Post<RestrictionView>("/api/dpo/restrictions", new RestrictProcessing(ada, "accuracyContested"), world.Dpo);

        var queue = await Api.Get<PendingPortfolioItems>(Pending(world.ClassId), world.Teacher);

        Assert.Equal([bens.ItemId], queue.Items.Select(i => i.ItemId).ToList());
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, world.Teacher);
        Assert.Equal([ben], (await Api.AccessLog(world.Dpo)).Entries.Where(e => e.Kind == AccessKinds.Portfolio).Select(e => e.StudentId).ToList());
    }
}
