using ClassComms.Consents;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Stories;
using ClassComms.Students;
using Microsoft.AspNetCore.Http;

namespace ClassComms.Tests.Stories;

/// <summary>The post's decision on what it loaded (PostToStoryEndpoint.Decide), as a table, without a host.</summary>
public sealed class when_deciding_a_story_post
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly Guid ClassId = Guid.NewGuid();
    private static readonly Caller Teacher = new(Guid.NewGuid(), School, Role.Teacher);
    private static readonly StoryRef ClassStory = new(ClassId, StoryKinds.Class, null);
    private static readonly StoryRef SchoolStory = new(School, StoryKinds.School, null);

    private static Student Pupil(Guid classId, params string[] consents) =>
        new(Guid.NewGuid(), classId, null, [], [], [], 0, 0, DateTimeOffset.UnixEpoch, null, consents);

    private static MediaObject Upload(Guid storyId, Guid? by = null, Guid? postedIn = null, string kind = ContentSniffer.Image) =>
        new() { Id = Guid.NewGuid(), UploadedBy = by ?? Teacher.UserId, StoryId = storyId, StoryPostId = postedIn, Kind = kind };

    private static int? Status(IResult? result) => result switch
    {
        null => null,
        IStatusCodeHttpResult s => s.StatusCode,
        _ => -1,
    };

    public static TheoryData<string, int?> Cases => new()
    {
        { "consented", null },
        { "no consent", 409 },
        { "no consent, excluded", null },
        { "consent for the other story kind only", 409 },
        { "student of another class", 400 },
        { "erased student", 400 },
        { "upload of another person", 400 },
        { "upload to another story", 400 },
        { "already posted", 409 },
        { "a pdf", 400 },
        { "school story, any class", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void the_decision_is(string scenario, int? expected)
    {
        var story = scenario.StartsWith("school") ? SchoolStory : ClassStory;
        var purpose = StoryKinds.ConsentPurpose(story.Kind);
        var student = scenario switch
        {
            "no consent" or "no consent, excluded" => Pupil(ClassId),
            "consent for the other story kind only" => Pupil(ClassId, ConsentPurposes.SchoolStoryMedia),
            "student of another class" => Pupil(Guid.NewGuid(), purpose),
            "erased student" => Pupil(ClassId, purpose) with { ErasedAt = DateTimeOffset.UnixEpoch },
            "school story, any class" => Pupil(Guid.NewGuid(), purpose),
            _ => Pupil(ClassId, purpose),
        };
        var media = scenario switch
        {
            "upload of another person" => Upload(story.Id, by: Guid.NewGuid()),
            "upload to another story" => Upload(Guid.NewGuid()),
            "already posted" => Upload(story.Id, postedIn: Guid.NewGuid()),
            "a pdf" => Upload(story.Id, kind: ContentSniffer.Pdf),
            _ => Upload(story.Id),
        };
        var item = scenario == "no consent, excluded"
            ? new StoryMediaRequest(media.Id, [], [student.Id])
            : new StoryMediaRequest(media.Id, [student.Id], []);

        var result = PostToStoryEndpoint.Decide(Teacher, story, [item], new Dictionary<Guid, MediaObject> { [media.Id] = media },
            new Dictionary<Guid, Student> { [student.Id] = student });

        Assert.Equal(expected, Status(result));
    }
}
