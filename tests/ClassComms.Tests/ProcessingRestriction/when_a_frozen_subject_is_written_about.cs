using System.Net;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Portfolios;
using ClassComms.ProcessingRestriction;
using ClassComms.Stories;
using ClassComms.Tests.Consents;
using ClassComms.Tests.ErasureRequests;
using ClassComms.Tests.Portfolios;
using ClassComms.Tests.Stories;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ProcessingRestriction;

/// <summary>
/// Restriction of processing beyond points and names: a frozen student gets no new thread, announcement naming them, parent code, link,
/// given consent, story tag or portfolio entry, and leaves the staff roster; a frozen guardian still signs in and reads, but writes nothing
/// new (messages, comments, likes, consents given). Each refusal is a 409 (a hidden one a 404) that commits nothing; withdrawing a consent
/// still works; lifting restores everything.
/// </summary>
public sealed class when_a_frozen_subject_is_written_about(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/restrictions";

    [Fact]
    public async Task a_frozen_student_gets_no_new_thread_code_consent_tag_or_portfolio_entry_and_leaves_the_roster()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, ada);
        var unusedCode = await Api.IssueCode(world.Teacher, ada);
        await Api.Change(world.Teacher, ada, ConsentPurposes.PortfolioSharing, true, "paper form 12");
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var other = await Api.GuardianOf(world.Teacher, ben, "Olive Other");
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(ada, "unlawfulProcessing"), world.Dpo);
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, "/api/conversations",
            new StartConversation(ada, ConversationKinds.Private, "About Ada", false), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/classes/{world.ClassId}/announcements",
            new PostAnnouncement("Ada's trip", [ada], false), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/students/{ada}/parent-codes", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(ada),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, "paper form 13"), world.Teacher);
        var tagged = await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/stories/{world.ClassId}/posts",
            new PostToStory("Trip", [ClassComms.Tests.Stories.Stories.Tagging(photo, ada)], false), world.Teacher);
        Assert.Contains(ada.ToString(), tagged.Detail);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, PortfolioScenarios.Portfolio(ada),
            new AddPortfolioItem("journal", "Ada's diary", null), world.Teacher);
        // The code issued before the freeze links nobody while it lasts (it answers as an invalid code, telling nothing of the restriction).
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/children", new LinkChild(unusedCode.Code), other);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));

        Assert.DoesNotContain(ada, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.StudentId));
        Assert.Contains(ada, (await Api.GetClass(world.Dpo, world.ClassId)).Students.Select(s => s.StudentId));
        // Withdrawing a consent is never refused (it only reduces processing).
        Assert.True((await Api.Change(world.Teacher, ada, ConsentPurposes.PortfolioSharing, false, "paper form 14")).Changed);

        await Api.Post<RestrictionView>($"{Url}/{ada}/lift", new LiftProcessingRestriction("claimsSettled"), world.Dpo, HttpStatusCode.OK);
        Assert.Contains(ada, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.StudentId));
        await Api.StartConversation(world.Teacher, ada, "About Ada");
        await Api.PostStory(world.Teacher, world.ClassId, "Trip");
        await Api.AddJournal(world.Teacher, ada, "Ada's diary");
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild(unusedCode.Code), other, HttpStatusCode.OK);
        Assert.Equal(2, (await Api.Get<List<ChildView>>("/api/guardians/me/children", other)).Count);
        _ = mum;
    }

    [Fact]
    public async Task a_frozen_guardian_signs_in_and_reads_but_writes_no_message_comment_like_or_consent()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada);
        await Api.Change(mum, ada, ConsentPurposes.SchoolStoryMedia, true);
        var thread = (await Api.StartConversation(world.Teacher, ada, "Hello")).Threads[0];
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Science fair");
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(mum.UserId, "accuracyContested"), world.Dpo);
        var events = await ErasureRequestScenarios.EventCount(Store);

        var signedIn = await Api.SignInAgain(mum);
        Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", signedIn));
        Assert.Single((await Api.Thread(signedIn, thread.ConversationId)).Messages);
        Assert.Single((await Api.Story(signedIn, world.ClassId)).Posts);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage("Thanks", null, false), signedIn);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost("Nice"), signedIn);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, signedIn);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(ada),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, null), signedIn);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        Assert.True((await Api.Change(signedIn, ada, ConsentPurposes.SchoolStoryMedia, false)).Changed);

        await Api.Post<RestrictionView>($"{Url}/{mum.UserId}/lift", new LiftProcessingRestriction("accuracyVerified"), world.Dpo, HttpStatusCode.OK);
        await Api.Reply(signedIn, thread.ConversationId, "Thanks");
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost("Nice"), signedIn);
    }
}
