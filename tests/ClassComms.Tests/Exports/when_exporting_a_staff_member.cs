using System.Text;
using ClassComms.Exports;
using ClassComms.Stories;
using ClassComms.Tests.Portfolios;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Exports.Exports;

namespace ClassComms.Tests.Exports;

/// <summary>
/// A staff member's export holds every kind of what they did (schema 1.2): messages and announcements they sent, story posts, points given,
/// story comments and likes, portfolio comments, their own reads from the access log; and nothing that names or identifies another person.
/// </summary>
public sealed class when_exporting_a_staff_member(AppFixture app) : IntegrationTest(app)
{
    private const string StoryComment = "What a lovely outing, thank you all";

    [Fact]
    public async Task the_teachers_export_holds_every_item_they_made_and_nothing_about_the_students_or_families()
    {
        var family = await App.BuildFamily(Api);
        var teacher = family.World.Teacher;
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{family.PostId}/comments", new CommentOnStoryPost(StoryComment), teacher);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{family.PostId}/like", null, teacher);
        await Api.GetStudent(teacher, family.Student);
        await Api.GetStudent(family.World.Leader, family.Classmate); // another reader's read: not in the teacher's export

        var files = Unzip(await App.ExportZip(Api, family.World.Dpo, ExportKinds.Staff, teacher.UserId, language: "fr"));

        var messages = Items(files, "messages").GetRawText();
        foreach (var id in new[] { family.TeacherMessage, family.AnnouncementMessage }) Assert.Contains(id.ToString(), messages);
        Assert.Contains(TeacherText, messages);
        Assert.Contains(family.PostId.ToString(), Items(files, "story-appearances").GetRawText());
        Assert.Contains(family.PointId.ToString(), Items(files, "points").GetRawText());
        var contributions = Items(files, "story-contributions").EnumerateArray().ToList();
        Assert.Contains(contributions, c => c.GetProperty("kind").GetString() == "comment" && c.GetProperty("text").GetString() == StoryComment);
        Assert.Contains(contributions, c => c.GetProperty("kind").GetString() == "like" && c.GetProperty("postId").GetGuid() == family.PostId);
        var portfolio = Items(files, "portfolio-actions").EnumerateArray().ToList();
        Assert.Contains(portfolio, p => p.GetProperty("action").GetString() == "comment" && p.GetProperty("text").GetString() == TeacherComment &&
                                        p.GetProperty("itemId").GetGuid() == family.PortfolioItem);
        var reads = Items(files, "access-log").EnumerateArray().ToList();
        Assert.Contains(reads, r => r.GetProperty("kind").GetString() == "record");
        Assert.All(reads, r =>
        {
            Assert.Equal("you", r.GetProperty("readBy").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("itemId").ValueKind);
        });
        Assert.Contains("\"1.2\"", Encoding.UTF8.GetString(files["schema.json"]));
        var summary = Encoding.UTF8.GetString(files["summary.html"]);
        Assert.Contains(System.Net.WebUtility.HtmlEncode("Commentaires et décisions sur les portfolios"), summary);
        Assert.Contains(StoryComment, summary);

        // Nothing of another person: no student, guardian or colleague by name or id, no guardian's words.
        var everything = Encoding.UTF8.GetString(files.Where(f => !f.Key.StartsWith("media/")).SelectMany(f => f.Value).ToArray());
        foreach (var name in new[] { StudentName, ClassmateName, GuardianName, OtherGuardianName, GuardianText, OtherText + " reply" })
            Assert.DoesNotContain(name, everything);
        foreach (var id in new[] { family.Student, family.Classmate, family.Guardian.UserId, family.OtherGuardian.UserId, family.World.Leader.UserId,
                     family.World.Dpo.UserId })
            Assert.DoesNotContain(id.ToString(), everything);
    }
}
