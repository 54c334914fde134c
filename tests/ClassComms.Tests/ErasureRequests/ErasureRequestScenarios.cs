using System.Net;
using System.Text.Json;
using ClassComms.ErasureRequests;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.ErasureRequests;

/// <summary>Scenario helpers for erasure requests, through the API.</summary>
public static class ErasureRequestScenarios
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<ErasureRequestView> RequestStudentErasure(this Api api, Session who, Guid studentId, string? note = null) =>
        api.Post<ErasureRequestView>($"/api/erasure-requests/students/{studentId}", new RequestErasure(note), who);

    public static Task<ErasureRequestView> RequestGuardianErasure(this Api api, Session who, Guid guardianId, string? note = null) =>
        api.Post<ErasureRequestView>($"/api/erasure-requests/guardians/{guardianId}", new RequestErasure(note), who);

    public static Task<ErasureRequestView> RequestStaffErasure(this Api api, Session who, Guid staffId, string? note = null) =>
        api.Post<ErasureRequestView>($"/api/erasure-requests/staff/{staffId}", new RequestErasure(note), who);

    public static Task<ErasureRequestView> Approve(this Api api, Session dpo, Guid requestId) =>
        api.Post<ErasureRequestView>($"/api/erasure-requests/{requestId}/approval", null, dpo, HttpStatusCode.OK);

    public static Task<ErasureRequestView> Refuse(this Api api, Session dpo, Guid requestId, string reason, string? note = null) =>
        api.Post<ErasureRequestView>($"/api/erasure-requests/{requestId}/refusal", new ErasureDecisionReason(reason, note), dpo, HttpStatusCode.OK);

    public static Task<ErasureRequestView> ErasureRequest(this Api api, Session who, Guid requestId) =>
        api.Get<ErasureRequestView>($"/api/erasure-requests/{requestId}", who);

    /// <summary>Follows the request until its certificate is issued (a wait for the background workflow, not a timing assertion).</summary>
    public static async Task<ErasureRequestView> Certified(this Api api, Session dpo, Guid requestId)
    {
        ErasureRequestView? view = null;
        for (var i = 0; i < 600; i++)
        {
            view = await api.ErasureRequest(dpo, requestId);
            if (view.State == ClassComms.ErasureRequests.ErasureRequest.Completed) return view;
            await Task.Delay(100);
        }

        Assert.Fail($"The request was never certified; last state {view?.State}.");
        return view!;
    }

    /// <summary>The certificate file exactly as served.</summary>
    public static async Task<byte[]> CertificateFile(this Api api, Session dpo, Guid requestId)
    {
        var result = await api.Send(HttpMethod.Get, $"/api/erasure-requests/{requestId}/certificate", null, dpo);
        Assert.True(result.Status == HttpStatusCode.OK, $"certificate: {(int)result.Status} {result.Body}");
        return System.Text.Encoding.UTF8.GetBytes(result.Body);
    }

    public static ErasureCertificate CertificateOf(byte[] file) =>
        JsonDocument.Parse(file).RootElement.GetProperty("certificate").Deserialize<ErasureCertificate>(Json)!;

    public static async Task<string> PublicKeyPem(this Api api, Session who) =>
        (await api.Get<ClassComms.Dpo.SigningKeyView>("/api/school/signing-key", who)).PublicKeyPem;

    public static async Task<int> EventCount(IDocumentStore store)
    {
        await using var query = store.QuerySession();
        return (await query.QueryAsync<int>("select count(*)::int from classcomms.mt_events")).Single();
    }
}
