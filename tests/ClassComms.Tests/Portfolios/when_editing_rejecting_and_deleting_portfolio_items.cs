using System.Net;
using ClassComms.Notifications;
using ClassComms.Portfolios;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Portfolios;

public sealed class when_editing_rejecting_and_deleting_portfolio_items(AppFixture app) : IntegrationTest(app)
{
    private const string Kind = nameof(INotificationClient.PortfolioChanged);

    private static string Item(Guid studentId, Guid itemId) => $"{PortfolioScenarios.Portfolio(studentId)}/{itemId}";

    private async Task<int> EventCount()
    {
        await using var query = Store.QuerySession();
        return (await query.QueryAsync<int>("select count(*)::int from classcomms.mt_events")).Single();
    }

    [Fact]
    public async Task a_rejected_item_shows_its_sealed_reason_to_the_student_only_and_an_edit_sends_it_back_for_approval()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var student = await Api.StudentAccount(world, 0);
        const string reason = "Please tell us which museum it was";
        var added = await Api.AddJournal(student, ada, "We went to a museum");

        var rejected = await Api.Post<PortfolioItemRejectedResponse>($"{Item(ada, added.ItemId)}/rejection", new RejectPortfolioItem(reason),
            world.Teacher, HttpStatusCode.OK);
        Assert.True(rejected.Cursor > added.Cursor);
        var seen = Assert.Single((await Api.ReadPortfolio(student, ada, added.Cursor)).Items);
        Assert.Equal((true, false, reason), (seen.Rejected, seen.Approved, seen.RejectionReason));
        Assert.Empty((await Api.ReadPortfolio(guardian, ada)).Items);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{Item(ada, added.ItemId)}/rejection", new RejectPortfolioItem(null), world.Leader);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{Item(ada, added.ItemId)}/rejection", new RejectPortfolioItem(null), student);
        var dump = await DatabaseDump.TakeAsync();
        Assert.False(dump.Contains(reason, StringComparison.OrdinalIgnoreCase), "The database dump contains the rejection reason.");

        // The student edits it: back to pending, the reason gone; the teacher approves; now only a teacher removes it.
        var edited = await Api.Expect<PortfolioItemEditedResponse>(HttpStatusCode.OK, HttpMethod.Put, Item(ada, added.ItemId),
            new EditPortfolioItem("We went to the science museum"), student);
        var again = Assert.Single((await Api.ReadPortfolio(world.Teacher, ada, rejected.Cursor)).Items);
        Assert.Equal((false, false, null, "We went to the science museum", edited.Cursor),
            (again.Rejected, again.Approved, again.RejectionReason, again.Text, again.Cursor));
        Assert.NotNull(again.EditedAt);
        await Api.Approve(world.Teacher, ada, added.ItemId);
        Assert.Equal("We went to the science museum", Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items).Text);
        var events = await EventCount();
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Put, Item(ada, added.ItemId), new EditPortfolioItem("changed after approval"), student);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, Item(ada, added.ItemId), null, student);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, Item(ada, added.ItemId), new EditPortfolioItem("the teacher's words"), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{Item(ada, added.ItemId)}/rejection", new RejectPortfolioItem(null), world.Teacher);
        Assert.Equal(events, await EventCount());
    }

    [Fact]
    public async Task a_deleted_item_leaves_every_view_with_its_media_and_a_reader_catching_up_gets_a_marker()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var uploaded = await App.UploadToPortfolio(world.Teacher, ada, Files.Png(12, 12), "trip.png", "image/png");
        var photo = await Api.AddItem(world.Teacher, ada, PortfolioKinds.Photo, uploaded.AttachmentId, "At the museum");
        var journal = await Api.AddJournal(world.Teacher, ada, "Stays");
        var cursor = (await Api.ReadPortfolio(guardian, ada)).Cursor;
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(guardian, uploaded.AttachmentId)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Delete, Item(ada, photo.ItemId), null, world.Teacher)).Status);

        var marker = Assert.Single((await Api.ReadPortfolio(guardian, ada, cursor)).Items);
        Assert.Equal((photo.ItemId, true, null, null), (marker.ItemId, marker.Deleted, marker.Text, marker.Attachment));
        Assert.Empty(marker.Comments);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(guardian, uploaded.AttachmentId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(world.Teacher, uploaded.AttachmentId)).Status);
        Assert.Contains((await Api.ReadPortfolio(world.Teacher, ada)).Items, i => i.ItemId == journal.ItemId && !i.Deleted);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{Item(ada, photo.ItemId)}/comments", new CommentOnPortfolioItem("too late"), world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Item(ada, photo.ItemId), null, world.Teacher);

        // The blob goes after the commit (durable message).
        for (var i = 0; i < 200 && await MediaDocumentExists(world.SchoolId, uploaded.AttachmentId); i++) await Task.Delay(50);
        Assert.False(await MediaDocumentExists(world.SchoolId, uploaded.AttachmentId));
    }

    [Fact]
    public async Task another_student_another_guardian_and_another_teacher_get_404_the_family_cannot_change_and_nothing_is_committed()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var bensGuardian = await Api.GuardianOf(world.Teacher, world.Students[1], "Bea Ben");
        await App.Consent(world.SchoolId, world.Students[1], bensGuardian.UserId);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var student = await Api.StudentAccount(world, 0);
        var ben = await Api.StudentAccount(world, 1);
        var teachers = await Api.AddJournal(world.Teacher, ada, "approved at once");
        var pending = await Api.AddJournal(student, ada, "pending");
        var events = await EventCount();

        foreach (var outsider in new[] { ben, bensGuardian, otherTeacher, world.Dpo })
        {
            foreach (var itemId in new[] { teachers.ItemId, pending.ItemId })
            {
                await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Put, Item(ada, itemId), new EditPortfolioItem("x"), outsider);
                await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Item(ada, itemId), null, outsider);
                await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{Item(ada, itemId)}/rejection", new RejectPortfolioItem(null), outsider);
            }
        }

        // The guardian: the pending item is not theirs to know of (404), the approved one is read only (403).
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Item(ada, pending.ItemId), null, guardian);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, Item(ada, teachers.ItemId), null, guardian);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, Item(ada, teachers.ItemId), new EditPortfolioItem("x"), guardian);
        // The student does not change a teacher's item; a journal needs its text; a reason has a limit.
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, Item(ada, teachers.ItemId), null, student);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, Item(ada, teachers.ItemId), new EditPortfolioItem("x"), student);
        var empty = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, Item(ada, pending.ItemId), new EditPortfolioItem(" "), student);
        Assert.Contains("text", empty.Errors!.Keys);
        var tooLong = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Item(ada, pending.ItemId)}/rejection",
            new RejectPortfolioItem(new string('r', RejectPortfolioItemEndpoint.MaxReasonLength + 1)), world.Teacher);
        Assert.Contains("reason", tooLong.Errors!.Keys);
        Assert.DoesNotContain("rrrr", tooLong.Detail ?? "");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Item(ada, Guid.NewGuid()), null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Item(world.Students[1], pending.ItemId), null, world.Teacher);

        Assert.Equal(events, await EventCount());
        var items = (await Api.ReadPortfolio(world.Teacher, ada)).Items;
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.False(i.Deleted || i.Rejected));

        // The student deletes their own pending item.
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Delete, Item(ada, pending.ItemId), null, student)).Status);
        Assert.True((await Api.ReadPortfolio(student, ada)).Items.Single(i => i.ItemId == pending.ItemId).Deleted);
    }

    [Fact]
    public async Task edits_rejections_and_deletions_are_pushed_to_those_who_see_the_item_and_not_to_a_guardian_who_muted_the_class()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada);
        var dad = await Api.GuardianOf(world.Teacher, ada, "Dan Dad");
        await App.Consent(world.SchoolId, ada, mum.UserId);
        await App.Consent(world.SchoolId, ada, dad.UserId);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Post, $"/api/guardians/me/muted-classes/{world.ClassId}", null, dad)).Status);
        var student = await Api.StudentAccount(world, 0);
        await using var studentApp = await HubClient.Connect(App, student);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var dadApp = await HubClient.Connect(App, dad);

        var journal = await Api.AddJournal(world.Teacher, ada, "first words");
        await mumApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == journal.ItemId && n.Change == PortfolioChanges.Added);
        var edited = await Api.Expect<PortfolioItemEditedResponse>(HttpStatusCode.OK, HttpMethod.Put, Item(ada, journal.ItemId),
            new EditPortfolioItem("better words"), world.Teacher);
        foreach (var app in new[] { mumApp, studentApp, teacherApp })
        {
            var notice = await app.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == journal.ItemId && n.Change == PortfolioChanges.Edited);
            Assert.Equal(edited.Cursor, notice.Cursor);
        }

        Assert.Equal("better words", Assert.Single((await Api.ReadPortfolio(mum, ada, edited.Cursor - 1)).Items).Text);

        var pending = await Api.AddJournal(student, ada, "mine");
        await Api.Post<PortfolioItemRejectedResponse>($"{Item(ada, pending.ItemId)}/rejection", new RejectPortfolioItem(null), world.Teacher, HttpStatusCode.OK);
        await studentApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == pending.ItemId && n.Change == PortfolioChanges.Rejected);
        await teacherApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == pending.ItemId && n.Change == PortfolioChanges.Rejected);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Delete, Item(ada, journal.ItemId), null, world.Teacher)).Status);
        var deleted = await mumApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == journal.ItemId && n.Change == PortfolioChanges.Deleted);
        await studentApp.WaitFor<PortfolioNotice>(Kind, n => n.ItemId == journal.ItemId && n.Change == PortfolioChanges.Deleted);
        Assert.True(Assert.Single((await Api.ReadPortfolio(mum, ada, deleted.Cursor - 1)).Items).Deleted);

        // Everything reached mum after the rejection had left; she never heard of the rejected item, and dad (muted) of nothing.
        Assert.DoesNotContain(mumApp.All<PortfolioNotice>(Kind), n => n.ItemId == pending.ItemId);
        Assert.Empty(dadApp.All<PortfolioNotice>(Kind));
        Assert.Single((await Api.ReadPortfolio(dad, ada)).Items); // muted is not hidden: dad still reads the (deleted) item's marker
    }

    private async Task<bool> MediaDocumentExists(Guid schoolId, Guid attachmentId)
    {
        await using var session = Store.QuerySession(schoolId.ToString());
        return await session.LoadAsync<ClassComms.Media.MediaObject>(attachmentId) is not null;
    }
}
