using System.Net;
using ClassComms.Notifications;
using ClassComms.Portfolios;
using ClassComms.Tests.ErasureRequests;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Portfolios;

/// <summary>
/// A portfolio comment is edited or deleted by its author only (the teacher who wrote it, the student who replied): others who see it
/// get 403, those who do not see the item 404, bad text 400, and no 4xx commits anything. The item moves in the portfolio's cursor
/// order (catch-up returns it changed) and the change is pushed to those who see the item.
/// </summary>
public sealed class when_editing_and_deleting_portfolio_comments(AppFixture app) : IntegrationTest(app)
{
    private const string Kind = nameof(INotificationClient.PortfolioChanged);

    private static string CommentUrl(Guid studentId, Guid itemId, Guid commentId) =>
        $"{PortfolioScenarios.Portfolio(studentId)}/{itemId}/comments/{commentId}";

    [Fact]
    public async Task the_author_edits_and_deletes_their_comment_and_readers_catch_up_and_are_pushed()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, mum.UserId);
        var student = await Api.StudentAccount(world, 0);
        var item = await Api.AddJournal(world.Teacher, ada, "Our trip to the farm");
        var teachers = await Api.Comment(world.Teacher, ada, item.ItemId, "Well writen");
        var reply = await Api.Comment(student, ada, item.ItemId, "Thank you");
        var cursor = (await Api.ReadPortfolio(mum, ada)).Cursor;
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var studentApp = await HubClient.Connect(App, student);

        var edited = await Api.Send(HttpMethod.Put, CommentUrl(ada, item.ItemId, teachers.CommentId), new EditPortfolioComment("Well written"), world.Teacher);
        Assert.Equal(HttpStatusCode.OK, edited.Status);
        var notice = await mumApp.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == teachers.CommentId && n.Change == PortfolioChanges.CommentEdited);
        await studentApp.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == teachers.CommentId && n.Change == PortfolioChanges.CommentEdited);
        var page = await Api.ReadPortfolio(mum, ada, cursor);
        var changed = Assert.Single(page.Items);
        Assert.Equal(notice.Cursor, changed.Cursor);
        var comment = changed.Comments.Single(c => c.CommentId == teachers.CommentId);
        Assert.Equal("Well written", comment.Text);
        Assert.NotNull(comment.EditedAt);

        await Api.Delete(CommentUrl(ada, item.ItemId, reply.CommentId), student);
        var deleted = await mumApp.WaitFor<PortfolioNotice>(Kind, n => n.CommentId == reply.CommentId && n.Change == PortfolioChanges.CommentDeleted);
        var after = Assert.Single((await Api.ReadPortfolio(mum, ada, page.Cursor)).Items);
        Assert.Equal(deleted.Cursor, after.Cursor);
        Assert.Equal([teachers.CommentId], after.Comments.Select(c => c.CommentId));
        // Gone: a second delete or an edit of it is a 404.
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, CommentUrl(ada, item.ItemId, reply.CommentId), null, student);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Put, CommentUrl(ada, item.ItemId, reply.CommentId), new EditPortfolioComment("Back"), student);
    }

    [Fact]
    public async Task only_the_author_changes_a_comment_others_who_see_it_get_403_and_others_404_and_nothing_is_committed()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, mum.UserId);
        var bensMum = await Api.GuardianOf(world.Teacher, ben, "Bea Ben");
        var student = await Api.StudentAccount(world, 0);
        var benAccount = await Api.StudentAccount(world, 1);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var item = await Api.AddJournal(world.Teacher, ada, "Our trip to the farm");
        var teachers = await Api.Comment(world.Teacher, ada, item.ItemId, "Well written");
        var url = CommentUrl(ada, item.ItemId, teachers.CommentId);
        var events = await ErasureRequestScenarios.EventCount(Store);

        foreach (var sees in new[] { world.Leader, student, mum })
        {
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, url, new EditPortfolioComment("Changed"), sees);
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, url, null, sees);
        }

        foreach (var outsider in new[] { otherTeacher, world.Dpo, bensMum, benAccount })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Put, url, new EditPortfolioComment("Changed"), outsider);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, url, null, outsider);
        }

        // The comment under another item, another student, or no such comment: 404; bad text: 400 naming the field.
        var other = await Api.AddJournal(world.Teacher, ada, "Another entry");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, CommentUrl(ada, other.ItemId, teachers.CommentId), null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, CommentUrl(ben, item.ItemId, teachers.CommentId), null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, CommentUrl(ada, item.ItemId, Guid.NewGuid()), null, world.Teacher);
        events = await ErasureRequestScenarios.EventCount(Store);
        var blank = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, url, new EditPortfolioComment(" "), world.Teacher);
        Assert.Contains("text", blank.Errors!.Keys);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, url, new EditPortfolioComment(new string('x', 1_000_000)), world.Teacher);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, url, null, world.Teacher);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        Assert.Equal("Well written", (await Api.ReadPortfolio(world.Teacher, ada)).Items.Single(i => i.ItemId == item.ItemId).Comments[0].Text);
    }
}
