using ClassComms.Notifications;
using ClassComms.Portfolios;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Portfolios;

public sealed class when_portfolio_changes_are_pushed(AppFixture app) : IntegrationTest(app)
{
    private const string Kind = nameof(INotificationClient.PortfolioChanged);

    [Fact]
    public async Task each_change_reaches_exactly_those_who_may_see_it_and_is_readable_at_its_cursor()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var noConsent = await Api.GuardianOf(world.Teacher, world.Students[2], "Nico NoConsent"); // Cleo's guardian; Cleo has no consent
        var bensGuardian = await Api.GuardianOf(world.Teacher, world.Students[1], "Bea Ben");
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        await App.Consent(world.SchoolId, world.Students[1], bensGuardian.UserId);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var student = await Api.StudentAccount(world, 0);
        var ben = await Api.StudentAccount(world, 1);

        await using var studentApp = await HubClient.Connect(App, student);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var leaderApp = await HubClient.Connect(App, world.Leader);
        await using var guardianApp = await HubClient.Connect(App, guardian);
        await using var outsiders = new Outsiders(
            await HubClient.Connect(App, noConsent), await HubClient.Connect(App, bensGuardian), await HubClient.Connect(App, otherTeacher),
            await HubClient.Connect(App, world.Dpo), await HubClient.Connect(App, ben));

        // Added by the student: pending, so staff and the student only.
        var added = await Api.AddJournal(student, ada, "pending journal");
        foreach (var app in new[] { studentApp, teacherApp, leaderApp })
        {
            var notice = await app.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == added.ItemId && n.Change == PortfolioChanges.Added);
            Assert.Equal((ada, false, added.Cursor), (notice.StudentId, notice.Approved, notice.Cursor));
        }

        // Approved: now the consenting guardian too, and the item is readable at the pushed cursor.
        await Api.Approve(world.Teacher, ada, added.ItemId);
        var approved = await guardianApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == added.ItemId && n.Change == PortfolioChanges.Approved);
        Assert.Equal(added.ItemId, (await Api.ReadPortfolio(guardian, ada, approved.Cursor - 1)).Items[0].ItemId);

        // A comment: everyone who sees the approved item.
        var comment = await Api.Comment(world.Teacher, ada, added.ItemId, "Well written");
        foreach (var app in new[] { studentApp, teacherApp, leaderApp, guardianApp })
        {
            var notice = await app.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == comment.CommentId);
            Assert.Equal(comment.Cursor, notice.Cursor);
        }

        // Ben's portfolio changes after all of Ada's: once Ben's push reached his guardian, Ada's had left to everyone.
        var bens = await Api.AddJournal(world.Teacher, world.Students[1], "Ben's item");
        await outsiders.BensGuardian.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == bens.ItemId);
        await outsiders.Ben.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == bens.ItemId);
        Assert.DoesNotContain(guardianApp.All<PortfolioNotice>(Kind), n => n.Change == PortfolioChanges.Added && n.ItemId == added.ItemId);
        Assert.DoesNotContain(guardianApp.All<PortfolioNotice>(Kind), n => n.ItemId == bens.ItemId);
        Assert.Empty(outsiders.NoConsent.All<PortfolioNotice>(Kind));
        Assert.Empty(outsiders.OtherTeacher.All<PortfolioNotice>(Kind));
        Assert.Empty(outsiders.Dpo.All<PortfolioNotice>(Kind));
        Assert.DoesNotContain(outsiders.BensGuardian.All<PortfolioNotice>(Kind), n => n.StudentId == ada);
        Assert.DoesNotContain(outsiders.Ben.All<PortfolioNotice>(Kind), n => n.StudentId == ada);

        // Consent withdrawn: the next comment reaches staff and the student, not the guardian; Cleo's guardian gets nothing
        // about Cleo's approved item without Cleo's consent.
        await App.Consent(world.SchoolId, ada, guardian.UserId, given: false);
        var later = await Api.Comment(world.Teacher, ada, added.ItemId, "One more thing");
        var cleos = await Api.AddJournal(world.Teacher, world.Students[2], "Cleo's item");
        await teacherApp.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == later.CommentId);
        await studentApp.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == later.CommentId);
        await leaderApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == cleos.ItemId);
        Assert.DoesNotContain(guardianApp.All<PortfolioNotice>(Kind), n => n.CommentId == later.CommentId);
        Assert.Empty(outsiders.NoConsent.All<PortfolioNotice>(Kind));
    }

    private sealed record Outsiders(HubClient NoConsent, HubClient BensGuardian, HubClient OtherTeacher, HubClient Dpo, HubClient Ben) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var client in new[] { NoConsent, BensGuardian, OtherTeacher, Dpo, Ben }) await client.DisposeAsync();
        }
    }
}
