using System.Net;
using ClassComms.Portfolios;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Portfolios;

public sealed class when_a_portfolio_is_out_of_reach(AppFixture app) : IntegrationTest(app)
{
    private async Task<int> EventCount()
    {
        await using var query = Store.QuerySession();
        return (await query.QueryAsync<int>("select count(*)::int from classcomms.mt_events")).Single();
    }

    [Fact]
    public async Task approving_an_item_in_another_teachers_class_is_404_and_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var student = await Api.StudentAccount(world, 0);
        var added = await Api.AddJournal(student, world.Students[0], "pending work");
        var events = await EventCount();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(world.Students[0])}/{added.ItemId}/approval", null, other);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(world.Students[0]), null, other);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(world.Students[0])}/{added.ItemId}/approval", null, student);

        Assert.Equal(events, await EventCount());
        Assert.False(Assert.Single((await Api.ReadPortfolio(world.Teacher, world.Students[0])).Items).Approved);
        await Api.Approve(world.Teacher, world.Students[0], added.ItemId);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(world.Students[0])}/{added.ItemId}/approval", null, world.Leader);
    }

    [Fact]
    public async Task a_guardian_reads_nothing_without_consent_after_it_is_withdrawn_or_after_a_restriction()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var uploaded = await App.UploadToPortfolio(world.Teacher, ada, Files.Png(10, 10), "photo.png", "image/png");
        await Api.AddItem(world.Teacher, ada, PortfolioKinds.Photo, uploaded.AttachmentId);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, guardian);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items);

        await App.Consent(world.SchoolId, ada, guardian.UserId, given: false);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, guardian);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(guardian, uploaded.AttachmentId)).Status);

        await App.Consent(world.SchoolId, ada, guardian.UserId);
        Assert.Single((await Api.ReadPortfolio(guardian, ada)).Items);
        await Api.RestrictGuardian(world.Leader, ada, guardian.UserId);
        var restricted = await Api.SignInAgain(guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, restricted);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(restricted, uploaded.AttachmentId)).Status);
    }

    [Fact]
    public async Task a_student_gets_404_for_another_students_portfolio_its_media_and_its_items()
    {
        var world = await Api.CreateWorld();
        var ada = await Api.StudentAccount(world, 0);
        var ben = world.Students[1];
        var uploaded = await App.UploadToPortfolio(world.Teacher, ben, Files.Png(10, 10), "ben.png", "image/png");
        var bens = await Api.AddItem(world.Teacher, ben, PortfolioKinds.Photo, uploaded.AttachmentId);
        var events = await EventCount();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ben), null, ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, PortfolioScenarios.Portfolio(ben), new AddPortfolioItem(PortfolioKinds.Journal, "x", null), ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(ben)}/{bens.ItemId}/comments", new CommentOnPortfolioItem("hi"), ada);
        Assert.Equal(HttpStatusCode.NotFound, (await App.TryUploadToPortfolio(ada, ben, Files.Png(10, 10), "x.png", "image/png")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(ada, uploaded.AttachmentId)).Status);
        // Ben's item through Ada's portfolio route is not found either.
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{PortfolioScenarios.Portfolio(world.Students[0])}/{bens.ItemId}/comments",
            new CommentOnPortfolioItem("hi"), ada);

        Assert.Equal(events, await EventCount());
    }

    [Fact]
    public async Task bad_input_is_a_400_naming_the_field_and_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var student = await Api.StudentAccount(world, 0);
        var pdf = await App.UploadToPortfolio(student, ada, Files.Pdf(), "essay.pdf", "application/pdf");
        var teachers = await App.UploadToPortfolio(world.Teacher, ada, Files.Png(10, 10), "t.png", "image/png");
        var events = await EventCount();
        var url = PortfolioScenarios.Portfolio(ada);

        async Task Refused(object body, string field)
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, body, student);
            Assert.Contains(field, problem.Errors!.Keys);
        }

        await Refused(new AddPortfolioItem(null, "x", null), "kind");
        await Refused(new AddPortfolioItem("poster", "x", null), "kind");
        await Refused(new AddPortfolioItem(PortfolioKinds.Journal, "  ", null), "text");
        await Refused(new AddPortfolioItem(PortfolioKinds.Journal, new string('a', AddPortfolioItemEndpoint.MaxJournalLength + 1), null), "text");
        await Refused(new AddPortfolioItem(PortfolioKinds.Journal, "x", pdf.AttachmentId), "attachmentId");
        await Refused(new AddPortfolioItem(PortfolioKinds.Photo, null, null), "attachmentId");
        await Refused(new AddPortfolioItem(PortfolioKinds.Photo, null, pdf.AttachmentId), "attachmentId");
        await Refused(new AddPortfolioItem(PortfolioKinds.Photo, null, teachers.AttachmentId), "attachmentId");
        var emptyComment = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{url}/{Guid.CreateVersion7()}/comments", new CommentOnPortfolioItem(""), student);
        Assert.Contains("text", emptyComment.Errors!.Keys);
        Assert.Contains("limit", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{url}?limit=0", null, student)).Errors!.Keys);

        Assert.Equal(events, await EventCount());
        Assert.Empty((await Api.ReadPortfolio(student, ada)).Items);
        // The refused claims left the uploads unclaimed: the PDF still becomes a file item.
        await Api.AddItem(student, ada, PortfolioKinds.File, pdf.AttachmentId);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, url, new AddPortfolioItem(PortfolioKinds.File, null, pdf.AttachmentId), student);
    }

    [Fact]
    public async Task the_dpo_and_guardians_do_not_add_and_the_dpo_does_not_read()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, PortfolioScenarios.Portfolio(ada), new AddPortfolioItem(PortfolioKinds.Journal, "x", null), guardian);
        Assert.Equal(HttpStatusCode.Forbidden, (await App.TryUploadToPortfolio(guardian, ada, Files.Png(10, 10), "x.png", "image/png")).Status);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, PortfolioScenarios.Portfolio(ada), new AddPortfolioItem(PortfolioKinds.Journal, "x", null), world.Dpo);
    }
}
