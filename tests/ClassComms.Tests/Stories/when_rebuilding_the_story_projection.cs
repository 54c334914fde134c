using System.Net;
using System.Text.Json.Nodes;
using ClassComms.Consents;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

/// <summary>
/// The story read models are a projection of the events and nothing else: deleted and rebuilt from the events in one pass (Marten's
/// daemon, as the <c>projections rebuild</c> verb does, where one batch holds a post's whole life), every post, comment (shown, hidden,
/// reported, pending), like and change-feed row comes back as the live inline projection wrote it — a photo whose tagged student's
/// consent was withdrawn stays removed. Positions are given again at the rebuild (each story's count goes on), so they are compared by
/// order: posts, comments and changes keep their order.
/// </summary>
public sealed class when_rebuilding_the_story_projection(AppFixture app) : IntegrationTest(app)
{
    private static readonly string[] Tables = ["storypostview", "storycomment", "pendingstorycomment", "storylike", "storypostchange"];

    [Fact]
    public async Task the_rebuilt_documents_equal_the_live_ones_and_keep_their_order()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada, "Ada's Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Ben's Dad");
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var tagged = await Api.PostStory(world.Teacher, world.ClassId, "The farm", Tagging(photo, ada));
        var edited = await Api.PostStory(world.Teacher, world.ClassId, "Draft");
        var moderated = await Api.Post<StoryPostAccepted>($"/api/stories/{world.ClassId}/posts", new PostToStory("Concert", null, true), world.Teacher);
        var deleted = await Api.PostStory(world.Teacher, world.ClassId, "Mistake");
        var rude = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{edited.PostId}/comments", new CommentOnStoryPost("Rude"), mum);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{edited.PostId}/comments", new CommentOnStoryPost("Nice"), dad);
        var approved = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{moderated.PostId}/comments", new CommentOnStoryPost("Bravo"), mum);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{moderated.PostId}/comments", new CommentOnStoryPost("Waiting"), dad);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{deleted.PostId}/comments", new CommentOnStoryPost("Gone with it"), dad);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/stories/posts/{moderated.PostId}/comments/{approved.CommentId}/approval", world.Teacher);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/stories/posts/{edited.PostId}/comments/{rude.CommentId}/report", dad);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/stories/posts/{edited.PostId}/comments/{rude.CommentId}/hide", world.Leader);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{tagged.PostId}/like", null, mum);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{edited.PostId}/like", null, dad);
        await Api.Delete($"/api/stories/posts/{edited.PostId}/like", dad);
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Put, $"/api/stories/posts/{edited.PostId}", new EditStoryPost("Final", null), world.Teacher)).Status);
        await Api.Delete($"/api/stories/posts/{deleted.PostId}", world.Teacher);
        await WithdrawConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, mum.UserId);

        var live = await Documents(world.SchoolId);
        Assert.Equal(3, live["storypostview"].Count);
        Assert.Empty((await Api.Story(mum, world.ClassId)).Posts.Single(p => p.PostId == tagged.PostId).Media);

        foreach (var type in new[] { typeof(StoryPostView), typeof(StoryComment), typeof(PendingStoryComment), typeof(StoryLike), typeof(StoryPostChange) })
        {
            await Store.Advanced.Clean.DeleteDocumentsByTypeAsync(type);
        }

        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<StoryProjection>(TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        var rebuilt = await Documents(world.SchoolId);
        foreach (var table in Tables) Assert.Equal(live[table], rebuilt[table]);
        // Read through the API as before: the post whose photo went still has none.
        var page = await Api.Story(mum, world.ClassId);
        Assert.Equal([moderated.PostId, edited.PostId, tagged.PostId], page.Posts.Select(p => p.PostId));
        Assert.Empty(page.Posts[2].Media);
    }

    /// <summary>Each table's documents in position order (rows without one by id), with the position itself left out.</summary>
    private static async Task<Dictionary<string, List<string>>> Documents(Guid schoolId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        var documents = new Dictionary<string, List<string>>();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand(
                $"select data::text from classcomms.mt_doc_{table} where tenant_id = @tenant order by (data->>'Sequence')::bigint nulls last, id::text", connection);
            command.Parameters.AddWithValue("tenant", schoolId.ToString("D"));
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var node = JsonNode.Parse(reader.GetString(0))!.AsObject();
                node.Remove("Sequence");
                rows.Add(node.ToJsonString());
            }

            documents[table] = rows;
        }

        return documents;
    }
}
