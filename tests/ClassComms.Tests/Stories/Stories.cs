using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Alba;
using ClassComms.Consents;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Stories;

/// <summary>Scenario helpers for stories: uploads, posts and reads through the API; consents appended to the student stream.</summary>
public static class Stories
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Consent changes are appended to the student's stream as the consent endpoints do (ConsentEvents.cs), recorded from a paper
    /// form by <paramref name="recordedBy"/>.
    /// </summary>
    public static async Task GiveConsent(IDocumentStore store, Guid schoolId, Guid studentId, string purpose, Guid recordedBy)
    {
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        session.Events.Append(studentId, new ConsentGiven(studentId, purpose, recordedBy, ConsentSource.PaperForm, null, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    public static async Task WithdrawConsent(IDocumentStore store, Guid schoolId, Guid studentId, string purpose, Guid recordedBy)
    {
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        session.Events.Append(studentId, new ConsentWithdrawn(studentId, purpose, recordedBy, ConsentSource.Guardian, null, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    public static async Task<(HttpStatusCode Status, string Body, AttachmentUploaded? Uploaded)> UploadStoryMedia(this IAlbaHost host,
        Session who, Guid storyId, byte[] content, string fileName = "class-photo.jpg", string claimedType = "image/jpeg")
    {
        using var client = host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", who.Token);
        var response = await client.PostAsync($"/api/stories/{storyId}/media", Files.Form(content, fileName, claimedType));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<AttachmentUploaded>(body, Json) : null);
    }

    public static async Task<Guid> Photo(this IAlbaHost host, Session who, Guid storyId, string fileName = "class-photo.jpg")
    {
        var (status, body, uploaded) = await host.UploadStoryMedia(who, storyId, Files.JpegWithGps(), fileName);
        Assert.True(status == HttpStatusCode.Created, $"story upload: expected 201, got {(int)status}: {body}");
        return uploaded!.AttachmentId;
    }

    public static Task<StoryPostAccepted> PostStory(this Api api, Session who, Guid storyId, string? text, params StoryMediaRequest[] media) =>
        api.Post<StoryPostAccepted>($"/api/stories/{storyId}/posts", new PostToStory(text, media, false), who);

    public static Task<StoryPage> Story(this Api api, Session who, Guid storyId, string query = "") =>
        api.Get<StoryPage>($"/api/stories/{storyId}/posts{query}", who);

    public static StoryMediaRequest Tagging(Guid attachmentId, params Guid[] students) => new(attachmentId, students, []);

    public static async Task<(HttpStatusCode Status, byte[] Bytes)> Download(this IAlbaHost host, Session who, Guid attachmentId)
    {
        using var client = host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", who.Token);
        var response = await client.GetAsync($"/api/attachments/{attachmentId}");
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }
}
