using System.Net;
using ClassComms.Portfolios;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Portfolios;

public sealed class when_keeping_a_portfolio(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_students_journal_waits_for_the_teachers_approval_before_the_guardian_sees_it()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var student = await Api.StudentAccount(world, 0);

        var added = await Api.AddJournal(student, ada, "Today I built a volcano.\nIt erupted!");

        Assert.False(added.Approved);
        Assert.Equal("Today I built a volcano.\nIt erupted!", Assert.Single((await Api.ReadPortfolio(student, ada)).Items).Text);
        var pending = Assert.Single((await Api.ReadPortfolio(world.Teacher, ada)).Items);
        Assert.Equal((PortfolioRoles.Student, false), (pending.AuthorRole, pending.Approved));
        Assert.Single((await Api.ReadPortfolio(world.Leader, ada)).Items);
        Assert.Empty((await Api.ReadPortfolio(guardian, ada)).Items);

        var approval = await Api.Approve(world.Teacher, ada, added.ItemId);

        var seen = Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items);
        Assert.Equal((added.ItemId, true, approval.Cursor), (seen.ItemId, seen.Approved, seen.Cursor));
        Assert.Equal("Today I built a volcano.\nIt erupted!", seen.Text);
    }

    [Fact]
    public async Task a_teachers_photo_is_approved_at_once_and_its_media_downloads_only_for_those_who_see_the_portfolio()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var bensGuardian = await Api.GuardianOf(world.Teacher, world.Students[1]);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var photo = Files.Png(40, 30);

        var uploaded = await App.UploadToPortfolio(world.Teacher, ada, photo, "ada-volcano.png", "image/png");
        var added = await Api.AddItem(world.Teacher, ada, PortfolioKinds.Photo, uploaded.AttachmentId, "Science fair");

        Assert.True(added.Approved);
        var item = Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items);
        Assert.Equal(("Science fair", "ada-volcano.png", "image"), (item.Text, item.Attachment!.FileName, item.Attachment.Kind));
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(guardian, uploaded.AttachmentId)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(await Api.StudentAccount(world, 0), uploaded.AttachmentId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(bensGuardian, uploaded.AttachmentId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(world.Dpo, uploaded.AttachmentId)).Status);
    }

    [Fact]
    public async Task a_student_adds_a_drawing_a_video_and_a_file_from_their_own_uploads()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var student = await Api.StudentAccount(world, 0);

        var drawing = await App.UploadToPortfolio(student, ada, Files.Png(20, 20), "my-drawing.png", "image/png");
        var video = await App.UploadToPortfolio(student, ada, Media.MediaFiles.Video(4096), "dance.mp4", "video/mp4");
        var file = await App.UploadToPortfolio(student, ada, Files.Pdf(), "essay.pdf", "application/pdf");
        await Api.AddItem(student, ada, PortfolioKinds.Drawing, drawing.AttachmentId);
        await Api.AddItem(student, ada, PortfolioKinds.Video, video.AttachmentId);
        await Api.AddItem(student, ada, PortfolioKinds.File, file.AttachmentId);

        var kinds = (await Api.ReadPortfolio(world.Teacher, ada)).Items.Select(i => i.Kind).ToList();
        Assert.Equal([PortfolioKinds.Drawing, PortfolioKinds.Video, PortfolioKinds.File], kinds);
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(world.Teacher, file.AttachmentId)).Status);
    }

    [Fact]
    public async Task the_teacher_comments_the_student_replies_and_the_guardian_reads_both()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var student = await Api.StudentAccount(world, 0);
        var added = await Api.AddJournal(student, ada, "My poem about autumn");
        await Api.Approve(world.Teacher, ada, added.ItemId);

        await Api.Comment(world.Teacher, ada, added.ItemId, "Lovely rhymes, Ada");
        var reply = await Api.Comment(student, ada, added.ItemId, "Thank you!");

        var item = Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items);
        Assert.Equal([("Lovely rhymes, Ada", PortfolioRoles.Staff), ("Thank you!", PortfolioRoles.Student)],
            item.Comments.Select(c => (c.Text, c.AuthorRole)).ToList());
        Assert.Equal(reply.Cursor, item.Cursor);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(ada)}/{added.ItemId}/comments",
            new CommentOnPortfolioItem("Proud of you"), guardian);
        Assert.Equal(2, Assert.Single((await Api.ReadPortfolio(student, ada)).Items).Comments.Count);
    }

    [Fact]
    public async Task reading_after_a_cursor_returns_only_the_items_changed_since_in_order_and_pages_by_limit()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var first = await Api.AddJournal(world.Teacher, ada, "one");
        var second = await Api.AddJournal(world.Teacher, ada, "two");
        var third = await Api.AddJournal(world.Teacher, ada, "three");

        var page = await Api.ReadPortfolio(world.Teacher, ada, limit: 2);
        Assert.Equal([first.ItemId, second.ItemId], page.Items.Select(i => i.ItemId).ToList());
        var rest = await Api.ReadPortfolio(world.Teacher, ada, page.Cursor);
        Assert.Equal([third.ItemId], rest.Items.Select(i => i.ItemId).ToList());

        var comment = await Api.Comment(world.Teacher, ada, first.ItemId, "revisited");
        var changed = await Api.ReadPortfolio(world.Teacher, ada, rest.Cursor);
        Assert.Equal([first.ItemId], changed.Items.Select(i => i.ItemId).ToList());
        Assert.Equal(comment.Cursor, changed.Cursor);
        Assert.Empty((await Api.ReadPortfolio(world.Teacher, ada, changed.Cursor)).Items);
    }
}
