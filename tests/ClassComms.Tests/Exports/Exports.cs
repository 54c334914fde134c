using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using ClassComms.Consents;
using ClassComms.Exports;
using ClassComms.Portfolios;
using ClassComms.Stories;
using ClassComms.Tests.Consents;
using ClassComms.Tests.Portfolios;
using ClassComms.Tests.Stories;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Exports;

/// <summary>Scenario helpers for subject access exports, through the API.</summary>
public static class Exports
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<ExportView> RequestExport(this Api api, Session dpo, string kind, Guid subjectId, string scope = "all", string? language = null) =>
        api.Post<ExportView>("/api/exports", new RequestExport(kind, subjectId, scope, language), dpo, HttpStatusCode.Accepted);

    /// <summary>Follows <c>GET /api/exports/{id}</c> until it says completed (a bounded wait for the background run, not a timing assertion).</summary>
    public static async Task<ExportView> ExportCompleted(this Api api, Session dpo, Guid exportId)
    {
        ExportView? view = null;
        for (var i = 0; i < 600; i++)
        {
            view = await api.Get<ExportView>($"/api/exports/{exportId}", dpo);
            if (view.State == ExportStates.Completed) return view;
            await Task.Delay(100);
        }

        Assert.Fail($"The export never completed; last state {view?.State}.");
        return view!;
    }

    public static Task<(HttpStatusCode Status, byte[] Bytes)> DownloadExport(this AppFixture app, Session who, Guid exportId) =>
        app.Host.DownloadExport(who, exportId);

    public static async Task<(HttpStatusCode Status, byte[] Bytes)> DownloadExport(this Alba.IAlbaHost host, Session who, Guid exportId)
    {
        using var client = host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        var response = await client.GetAsync($"/api/exports/{exportId}/download");
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task<byte[]> ExportZip(this AppFixture app, Api api, Session dpo, string kind, Guid subjectId, string scope = "all",
        string? language = null)
    {
        var requested = await api.RequestExport(dpo, kind, subjectId, scope, language);
        await api.ExportCompleted(dpo, requested.ExportId);
        var (status, bytes) = await app.DownloadExport(dpo, requested.ExportId);
        Assert.Equal(HttpStatusCode.OK, status);
        return bytes;
    }

    /// <summary>Every entry of the ZIP, by path.</summary>
    public static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return copy.ToArray();
        });
    }

    public static string Text(Dictionary<string, byte[]> files) =>
        string.Join("\n", files.Where(f => !f.Key.StartsWith("media/")).Select(f => Encoding.UTF8.GetString(f.Value)));

    public static JsonElement Items(Dictionary<string, byte[]> files, string kind)
    {
        var doc = JsonDocument.Parse(files[$"{kind}.json"]).RootElement;
        Assert.Equal(ExportSchema.Version, doc.GetProperty("schemaVersion").GetString());
        return doc.GetProperty("items");
    }

    /// <summary>A student with data in every feature, a guardian, and a classmate with a guardian of their own in the same class and threads.</summary>
    public sealed record Family(World World, Guid Student, Session Guardian, Guid Classmate, Session OtherGuardian, Guid PointId, Guid ThreadId,
        Guid TeacherMessage, Guid GuardianMessage, Guid GuardianAttachment, Guid AnnouncementMessage, Guid PostId, Guid StoryPhoto, Guid PortfolioItem,
        Guid PortfolioPhoto, Guid OtherThreadId, Guid OtherPointId);

    public const string StudentName = "Ambrosine Quellington";
    public const string ClassmateName = "Bartholomew Zeffirelli";
    public const string GuardianName = "Gwendolyn Quellington";
    public const string OtherGuardianName = "Octavia Zeffirelli";
    public const string Note = "Ambrosine solved the hardest puzzle";
    public const string TeacherText = "Ambrosine read beautifully today";
    public const string GuardianText = "Thank you, she practised all weekend";
    public const string StoryText = "Our trip to the science museum";
    public const string PortfolioCaption = "My volcano model";
    public const string TeacherComment = "Lovely colours on the lava";
    public const string Evidence = "Signed form from the September meeting";
    public const string OtherNote = "Bartholomew private note xyzzy";
    public const string OtherText = "Bartholomew private thread plugh";

    public static async Task<Family> BuildFamily(this AppFixture app, Api api)
    {
        var world = await api.CreateWorld(StudentName, ClassmateName);
        var (student, classmate) = (world.Students[0], world.Students[1]);
        var guardian = await api.GuardianOf(world.Teacher, student, GuardianName);
        var other = await api.GuardianOf(world.Teacher, classmate, OtherGuardianName);

        var point = (await api.Award(world.Teacher, world.ClassId, world.Positive.Id, [student], Note)).Points.Single().PointId;
        var otherPoint = (await api.Award(world.Teacher, world.ClassId, world.Positive.Id, [classmate], OtherNote)).Points.Single().PointId;
        await api.SetBirthDate(world.Teacher, student, "2016-04-09");

        var thread = (await api.StartConversation(world.Teacher, student, TeacherText)).Threads.Single();
        var attachment = await api.UploadOk(guardian, thread.ConversationId, Files.Pdf(), "homework-sheet.pdf", "application/pdf");
        var reply = await api.Reply(guardian, thread.ConversationId, GuardianText, [attachment.AttachmentId]);
        var otherThread = (await api.StartConversation(world.Teacher, classmate, OtherText)).Threads.Single();
        await api.Reply(other, otherThread.ConversationId, OtherText + " reply");
        var announcement = await api.Announce(world.Teacher, world.ClassId, "Picture day is on Friday", [student, classmate]);

        await api.Change(guardian, student, ConsentPurposes.ClassStoryMedia, true);
        await api.Change(world.Teacher, student, ConsentPurposes.PortfolioSharing, true, Evidence);
        await api.Change(other, classmate, ConsentPurposes.ClassStoryMedia, true);
        var photo = await app.Host.Photo(world.Teacher, world.ClassId, "museum.jpg");
        var post = await api.PostStory(world.Teacher, world.ClassId, StoryText, new StoryMediaRequest(photo, [student, classmate], null));

        var portfolioPhoto = await app.UploadToPortfolio(world.Teacher, student, Files.JpegWithGps(), "volcano.jpg", "image/jpeg");
        var item = await api.AddItem(world.Teacher, student, PortfolioKinds.Photo, portfolioPhoto.AttachmentId, PortfolioCaption);
        await api.Comment(world.Teacher, student, item.ItemId, TeacherComment);

        return new Family(world, student, guardian, classmate, other, point, thread.ConversationId, thread.MessageId, reply.MessageId,
            attachment.AttachmentId, announcement.MessageId, post.PostId, photo, item.ItemId, portfolioPhoto.AttachmentId,
            otherThread.ConversationId, otherPoint);
    }
}
