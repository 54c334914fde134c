using System.Net;
using ClassComms.Media;
using ClassComms.Tests.Support;
using ImageMagick;
using Marten;

namespace ClassComms.Tests.Media;

public sealed class when_attaching_crafted_images(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_animated_gif_whose_later_frame_is_over_the_pixel_limit_is_refused()
    {
        var (teacher, conversationId, schoolId) = await Thread();
        var bomb = MediaFiles.GifWithHugeLaterFrame(2000, 1000); // 2 MP in frame 2; the test limit is 1 MP
        var first = new MagickImageInfo(bomb); // what the old check read: the first frame only
        Assert.True(first.Width * first.Height <= AppFixture.MaxImagePixels);

        var (status, body, _) = await Api.Upload(teacher, conversationId, bomb, "party.gif", "image/gif");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
        Assert.Equal(0, await Store.QuerySession(schoolId.ToString()).Query<MediaObject>().CountAsync());
    }

    [Fact]
    public async Task an_animated_gif_within_the_limits_keeps_its_frames_and_one_with_too_many_frames_is_refused()
    {
        var (teacher, conversationId, _) = await Thread();
        var fine = await Api.UploadOk(teacher, conversationId, MediaFiles.AnimatedGif(3), "wave.gif", "image/gif");
        var (_, bytes) = await Api.Download(teacher, fine.AttachmentId);
        using (var frames = new MagickImageCollection(bytes)) Assert.Equal(3, frames.Count);

        var (status, body, _) = await Api.Upload(teacher, conversationId, MediaFiles.AnimatedGif(AppFixture.MaxImageFrames + 1), "long.gif", "image/gif");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
    }

    [Fact]
    public async Task a_file_that_starts_like_one_format_is_decoded_only_as_that_format()
    {
        var (teacher, conversationId, _) = await Thread();
        // A PNG signature in front of a valid GIF: sniffed as PNG, the PNG decoder refuses it (no fallback to GIF).
        byte[] disguised = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. MediaFiles.AnimatedGif(2)];

        var (status, body, _) = await Api.Upload(teacher, conversationId, disguised, "x.png", "image/png");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
    }

    [Fact]
    public async Task an_animated_png_whose_later_frame_is_over_the_pixel_limit_is_refused()
    {
        var (teacher, conversationId, schoolId) = await Thread();
        var bomb = MediaFiles.Apng([(16, 16), (2000, 1000)]); // 2 MP in frame 3; the test limit is 1 MP
        var asPng = new MagickImageInfo(bomb, new MagickReadSettings { Format = MagickFormat.Png }); // what the PNG decoder sees
        Assert.Equal(16u, asPng.Width);

        var (status, body, _) = await Api.Upload(teacher, conversationId, bomb, "party.png", "image/png");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
        Assert.Contains("pixels", body);
        Assert.Equal(0, await Store.QuerySession(schoolId.ToString()).Query<MediaObject>().CountAsync());
    }

    [Fact]
    public async Task an_animated_png_with_too_many_frames_is_refused()
    {
        var (teacher, conversationId, _) = await Thread();
        var frames = Enumerable.Repeat((16u, 16u), AppFixture.MaxImageFrames).ToList(); // plus the default image: one too many

        var (status, body, _) = await Api.Upload(teacher, conversationId, MediaFiles.Apng(frames), "long.png", "image/png");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("frames", body);

        (status, body, _) = await Api.Upload(teacher, conversationId, MediaFiles.Apng([(16, 16)], declaredFrames: 1_000_000), "lying.png", "image/png");
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
    }

    [Fact]
    public async Task an_animated_png_within_the_limits_is_stored_as_its_default_frame()
    {
        var (teacher, conversationId, _) = await Thread();
        var uploaded = await Api.UploadOk(teacher, conversationId, MediaFiles.Apng([(16, 16), (8, 8)]), "wave.png", "image/png");

        var (_, bytes) = await Api.Download(teacher, uploaded.AttachmentId);
        Assert.Equal(-1, bytes.AsSpan().IndexOf("acTL"u8));
        using var still = new MagickImage(bytes);
        Assert.Equal(16u, still.Width);
    }

    private async Task<(Session Teacher, Guid ConversationId, Guid SchoolId)> Thread()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        return (world.Teacher, thread.ConversationId, world.SchoolId);
    }
}
