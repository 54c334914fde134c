using System.Net;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.Points;
using ClassComms.ProcessingRestriction;
using ClassComms.Stories;
using ClassComms.Tests.ErasureRequests;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.ProcessingRestriction;

/// <summary>
/// Restriction of processing where the data is counted, listed or changed rather than added: a frozen student's points leave the class
/// statistics and the conversations about them leave the staff's conversation list (the DPO still sees both); a new thread leaves out a
/// frozen guardian; a story post tagging a frozen student is neither edited nor deleted (409, nothing committed). Lifting restores each.
/// </summary>
public sealed class when_a_frozen_subject_is_counted_listed_or_edited(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/restrictions";

    private static string Json(ClassSummary summary) => System.Text.Json.JsonSerializer.Serialize(summary);

    private Task<ClassSummary> Summary(Session who, Guid classId) => Api.Get<ClassSummary>($"/api/classes/{classId}/summary", who);

    [Fact]
    public async Task a_frozen_students_points_leave_the_class_statistics_for_everyone_but_the_dpo()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada, ben]);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada]);
        var removed = await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [ada]);
        await Api.Delete($"/api/points/{removed.Points[0].PointId}", world.Teacher);
        await ProjectionsCaughtUp();
        var whole = await Summary(world.Teacher, world.ClassId);
        Assert.Equal((4, 1), (whole.PointsAwarded, whole.PointsRemoved));

        await Api.Post<RestrictionView>(Url, new RestrictProcessing(ada, "accuracyContested"), world.Dpo);

        foreach (var staff in new[] { world.Teacher, world.Leader })
        {
            var without = await Summary(staff, world.ClassId);
            Assert.Equal((1, 0, 0), (without.PointsAwarded, without.PointsRemoved, without.NeedsWorkPoints));
            Assert.Equal(whole.PositivePoints / 3, without.PositivePoints); // Ben's one point of the three positive ones
            Assert.Equal(1, without.Skills.Single(s => s.SkillId == world.Positive.Id).Count);
            Assert.Equal(1, without.Days.Sum(d => d.Count));
        }

        Assert.Equal(Json(whole), Json(await Summary(world.Dpo, world.ClassId)));
        await Api.Post<RestrictionView>($"{Url}/{ada}/lift", new LiftProcessingRestriction("accuracyVerified"), world.Dpo, HttpStatusCode.OK);
        Assert.Equal(Json(whole), Json(await Summary(world.Teacher, world.ClassId)));
    }

    [Fact]
    public async Task conversations_about_a_frozen_student_leave_the_staff_list_and_a_new_thread_leaves_out_a_frozen_guardian()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.GuardianOf(world.Teacher, ada, "Ada's Mum");
        var bensMum = await Api.GuardianOf(world.Teacher, ben, "Ben's Mum");
        var bensDad = await Api.GuardianOf(world.Teacher, ben, "Ben's Dad");
        var aboutAda = (await Api.StartConversation(world.Teacher, ada, "About Ada")).Threads[0].ConversationId;
        var aboutBen = (await Api.StartConversation(world.Teacher, ben, "About Ben")).Threads.Select(t => t.ConversationId).ToList();

        await Api.Post<RestrictionView>(Url, new RestrictProcessing(ada, "legalClaims"), world.Dpo);
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(bensDad.UserId, "objectionPending"), world.Dpo);

        var listed = (await Api.Get<List<ConversationSummary>>("/api/conversations", world.Teacher)).Select(c => c.ConversationId).ToList();
        Assert.DoesNotContain(aboutAda, listed);
        Assert.All(aboutBen, id => Assert.Contains(id, listed));
        Assert.DoesNotContain(aboutAda,
            (await Api.Get<List<ConversationSummary>>($"/api/conversations?classId={world.ClassId}", world.Leader)).Select(c => c.ConversationId));

        // A new thread about Ben is written to his mum only: shared, then private (one thread, not two).
        var events = await ErasureRequestScenarios.EventCount(Store);
        var shared = await Api.Post<ConversationsStarted>("/api/conversations", new StartConversation(ben, ConversationKinds.Shared, "Trip", false), world.Teacher);
        Assert.Equal([bensMum.UserId], Assert.Single(shared.Threads).GuardianIds);
        var privately = await Api.Post<ConversationsStarted>("/api/conversations", new StartConversation(ben, ConversationKinds.Private, "Trip", false), world.Teacher);
        Assert.Equal([bensMum.UserId], Assert.Single(privately.Threads).GuardianIds);
        Assert.True(await ErasureRequestScenarios.EventCount(Store) > events);

        // With his only other guardian frozen too, there is no one to write to (409, nothing committed).
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(bensMum.UserId, "objectionPending"), world.Dpo);
        events = await ErasureRequestScenarios.EventCount(Store);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, "/api/conversations", new StartConversation(ben, ConversationKinds.Shared, "Trip", false), world.Teacher);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));

        await Api.Post<RestrictionView>($"{Url}/{ada}/lift", new LiftProcessingRestriction("claimsSettled"), world.Dpo, HttpStatusCode.OK);
        await Api.Post<RestrictionView>($"{Url}/{bensDad.UserId}/lift", new LiftProcessingRestriction("objectionDecided"), world.Dpo, HttpStatusCode.OK);
        Assert.Contains(aboutAda, (await Api.Get<List<ConversationSummary>>("/api/conversations", world.Teacher)).Select(c => c.ConversationId));
        var again = await Api.Post<ConversationsStarted>("/api/conversations", new StartConversation(ben, ConversationKinds.Shared, "Trip", false), world.Teacher);
        Assert.Equal([bensDad.UserId], Assert.Single(again.Threads).GuardianIds);
    }

    [Fact]
    public async Task a_story_post_tagging_a_frozen_student_is_neither_edited_nor_deleted_until_the_restriction_is_lifted()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var tagging = await Api.PostStory(world.Teacher, world.ClassId, "Ada's drawing", Tagging(photo, ada));
        var blurred = await Host.Photo(world.Teacher, world.ClassId);
        var excluding = await Api.PostStory(world.Teacher, world.ClassId, "The whole class", new StoryMediaRequest(blurred, [], [ada]));
        var untagged = await Api.PostStory(world.Teacher, world.ClassId, "Ben's news");
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(ada, "accuracyContested"), world.Dpo);
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Put, $"/api/stories/posts/{tagging.PostId}", new EditStoryPost("Changed", null), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Put, $"/api/stories/posts/{tagging.PostId}", new EditStoryPost("Without the photo", [photo]), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/stories/posts/{tagging.PostId}", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/stories/posts/{tagging.PostId}", null, world.Leader);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        Assert.Equal("Ada's drawing", (await Api.Story(world.Dpo, world.ClassId)).Posts.Single(p => p.PostId == tagging.PostId).Text);

        // Posts that do not show her (excluded or blurred, or not in it at all) are edited and deleted as before.
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Put, $"/api/stories/posts/{excluding.PostId}", new EditStoryPost("Class photo", null), world.Teacher)).Status);
        await Api.Delete($"/api/stories/posts/{untagged.PostId}", world.Teacher);

        await Api.Post<RestrictionView>($"{Url}/{ada}/lift", new LiftProcessingRestriction("accuracyVerified"), world.Dpo, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Put, $"/api/stories/posts/{tagging.PostId}", new EditStoryPost("Changed", null), world.Teacher)).Status);
        await Api.Delete($"/api/stories/posts/{tagging.PostId}", world.Teacher);
        _ = ben;
    }
}
