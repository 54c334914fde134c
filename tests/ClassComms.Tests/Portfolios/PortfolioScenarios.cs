using System.Net;
using System.Text.Json;
using ClassComms.Consents;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Portfolios;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Portfolios;

/// <summary>Scenario helpers for portfolios, through the API (consent is appended to the student's stream until its endpoints exist).</summary>
public static class PortfolioScenarios
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Portfolio(Guid studentId) => $"/api/students/{studentId}/portfolio";

    public static Task<PortfolioItemAccepted> AddJournal(this Api api, Session who, Guid studentId, string text) =>
        api.Post<PortfolioItemAccepted>(Portfolio(studentId), new AddPortfolioItem(PortfolioKinds.Journal, text, null), who);

    public static Task<PortfolioItemAccepted> AddItem(this Api api, Session who, Guid studentId, string kind, Guid attachmentId, string? caption = null) =>
        api.Post<PortfolioItemAccepted>(Portfolio(studentId), new AddPortfolioItem(kind, caption, attachmentId), who);

    public static Task<PortfolioItemApprovedResponse> Approve(this Api api, Session teacher, Guid studentId, Guid itemId) =>
        api.Post<PortfolioItemApprovedResponse>($"{Portfolio(studentId)}/{itemId}/approval", null, teacher, HttpStatusCode.OK);

    public static Task<PortfolioCommentAccepted> Comment(this Api api, Session who, Guid studentId, Guid itemId, string text) =>
        api.Post<PortfolioCommentAccepted>($"{Portfolio(studentId)}/{itemId}/comments", new CommentOnPortfolioItem(text), who);

    public static Task<PortfolioPage> ReadPortfolio(this Api api, Session who, Guid studentId, long after = 0, int? limit = null) =>
        api.Get<PortfolioPage>($"{Portfolio(studentId)}?after={after}{(limit is { } l ? $"&limit={l}" : "")}", who);

    /// <summary>Multipart upload into a student's portfolio; 201 expected.</summary>
    public static async Task<AttachmentUploaded> UploadToPortfolio(this AppFixture app, Session who, Guid studentId, byte[] content, string fileName,
        string claimedType)
    {
        var (status, body) = await app.TryUploadToPortfolio(who, studentId, content, fileName, claimedType);
        Assert.True(status == HttpStatusCode.Created, $"portfolio upload: expected 201, got {(int)status}: {body}");
        return JsonSerializer.Deserialize<AttachmentUploaded>(body, Json)!;
    }

    public static async Task<(HttpStatusCode Status, string Body)> TryUploadToPortfolio(this AppFixture app, Session who, Guid studentId, byte[] content,
        string fileName, string claimedType)
    {
        using var client = app.Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        var response = await client.PostAsync($"{Portfolio(studentId)}/attachments", Files.Form(content, fileName, claimedType));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Portfolio-sharing consent given (or withdrawn) by a guardian, appended to the student's stream as the consent endpoints will.</summary>
    public static async Task Consent(this AppFixture app, Guid schoolId, Guid studentId, Guid guardianId, bool given = true)
    {
        await using var session = app.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession(Ids.Tenant(schoolId));
        object change = given
            ? new ConsentGiven(studentId, ConsentPurposes.PortfolioSharing, guardianId, ConsentSource.Guardian, null, DateTimeOffset.UtcNow)
            : new ConsentWithdrawn(studentId, ConsentPurposes.PortfolioSharing, guardianId, ConsentSource.Guardian, null, DateTimeOffset.UtcNow);
        session.Events.Append(studentId, change);
        await session.SaveChangesAsync();
    }
}
