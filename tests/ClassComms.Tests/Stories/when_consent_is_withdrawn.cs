using System.Net;
using ClassComms.Consents;
using ClassComms.Platform;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using Marten;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_consent_is_withdrawn(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_past_story_photo_disappears_for_every_guardian_while_the_rest_of_the_post_remains()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var adasMum = await Api.GuardianOf(world.Teacher, ada, "Ada's Mum");
        var adasDad = await Api.GuardianOf(world.Teacher, ada, "Ada's Dad");
        var bensMum = await Api.GuardianOf(world.Teacher, ben, "Ben's Mum");
        var cleosDad = await Api.GuardianOf(world.Teacher, world.Students[2], "Cleo's Dad");
        foreach (var s in new[] { ada, ben })
        {
            await GiveConsent(Store, world.SchoolId, s, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
            await GiveConsent(Store, world.SchoolId, s, ConsentPurposes.SchoolStoryMedia, world.Leader.UserId);
        }

        var adaAndBen = await Host.Photo(world.Teacher, world.ClassId);
        var benAlone = await Host.Photo(world.Teacher, world.ClassId);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "The farm trip", Tagging(adaAndBen, ada, ben), Tagging(benAlone, ben));
        var later = await Api.PostStory(world.Teacher, world.ClassId, "Another day");
        var schoolPhoto = await Host.Photo(world.Leader, world.SchoolId);
        await Api.PostStory(world.Leader, world.SchoolId, "Assembly", Tagging(schoolPhoto, ada));
        var readers = new[] { adasMum, adasDad, bensMum, cleosDad, world.Teacher, world.Leader, world.Dpo };
        foreach (var reader in readers)
        {
            Assert.Equal(2, (await Api.Story(reader, world.ClassId)).Posts.Single(p => p.PostId == post.PostId).Media.Count);
            Assert.Equal(HttpStatusCode.OK, (await Host.Download(reader, adaAndBen)).Status);
        }

        // Withdrawn by Ada's mum through the consent endpoint, as the app does.
        var withdrawn = await Api.Post<ConsentChanged>($"/api/students/{ada}/consents", new ChangeConsent(ConsentPurposes.ClassStoryMedia, false, null), adasMum,
            HttpStatusCode.OK);
        Assert.True(withdrawn.Changed);

        foreach (var reader in readers)
        {
            var story = await Api.Story(reader, world.ClassId);
            var past = story.Posts.Single(p => p.PostId == post.PostId);
            Assert.Equal("The farm trip", past.Text);
            Assert.Equal(benAlone, Assert.Single(past.Media).AttachmentId);
            Assert.Equal(1, past.RemovedMedia);
            Assert.Contains(story.Posts, p => p.PostId == later.PostId);
            Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(reader, adaAndBen)).Status);
            Assert.Equal(HttpStatusCode.OK, (await Host.Download(reader, benAlone)).Status);
            // The School Story needs its own consent, which stands.
            Assert.Equal(schoolPhoto, Assert.Single((await Api.Story(reader, world.SchoolId)).Posts[0].Media).AttachmentId);
        }

        // In the stored view itself, not filtered at read time.
        await using var session = Store.QuerySession(Ids.Tenant(world.SchoolId));
        var view = await session.LoadAsync<StoryPostView>(StoryPostView.IdFor(post.PostId));
        Assert.DoesNotContain(view!.Media, m => m.Attachment.AttachmentId == adaAndBen);
        Assert.DoesNotContain(ada, view.StudentIds);
    }

    [Fact]
    public async Task giving_consent_again_does_not_bring_removed_media_back_but_allows_new_posts()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada);
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        await Api.PostStory(world.Teacher, world.ClassId, "Before", Tagging(photo, ada));
        await WithdrawConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, mum.UserId);
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, mum.UserId);

        Assert.Empty(Assert.Single((await Api.Story(mum, world.ClassId)).Posts).Media);
        var again = await Host.Photo(world.Teacher, world.ClassId);
        await Api.PostStory(world.Teacher, world.ClassId, "After", Tagging(again, ada));
        Assert.Single((await Api.Story(mum, world.ClassId)).Posts[0].Media);
    }

    [Fact]
    public async Task a_withdrawn_portfolio_consent_changes_no_story()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada);
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.PortfolioSharing, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        await Api.PostStory(world.Teacher, world.ClassId, "Kept", Tagging(photo, ada));
        await WithdrawConsent(Store, world.SchoolId, ada, ConsentPurposes.PortfolioSharing, mum.UserId);
        Assert.Single(Assert.Single((await Api.Story(mum, world.ClassId)).Posts).Media);
    }
}
