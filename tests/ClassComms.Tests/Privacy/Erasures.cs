using System.Net;
using System.Text.Json;
using ClassComms.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Privacy;

/// <summary>Scenario helpers for erasures: request through the API (202 + status), then follow the status resource.</summary>
public static class Erasures
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<ErasureStatus> RequestStudentErasure(this Api api, Session dpo, Guid studentId, HttpStatusCode expected = HttpStatusCode.Accepted) =>
        api.Post<ErasureStatus>($"/api/privacy/students/{studentId}/erasure", null, dpo, expected);

    public static Task<ErasureStatus> RequestGuardianErasure(this Api api, Session dpo, Guid guardianId, HttpStatusCode expected = HttpStatusCode.Accepted) =>
        api.Post<ErasureStatus>($"/api/privacy/guardians/{guardianId}/erasure", null, dpo, expected);

    /// <summary>Requests the student's erasure and waits until the workflow reports it completed.</summary>
    public static async Task<ErasureStatus> EraseStudent(this Api api, Session dpo, Guid studentId)
    {
        await api.RequestStudentErasure(dpo, studentId);
        return await api.ErasureCompleted(dpo, studentId);
    }

    public static async Task<ErasureStatus> EraseGuardian(this Api api, Session dpo, Guid guardianId)
    {
        await api.RequestGuardianErasure(dpo, guardianId);
        return await api.ErasureCompleted(dpo, guardianId);
    }

    /// <summary>Follows <c>GET /api/privacy/erasures/{id}</c> until it says completed (a wait for the background workflow, not a timing assertion).</summary>
    public static async Task<ErasureStatus> ErasureCompleted(this Api api, Session dpo, Guid subjectId)
    {
        ErasureStatus? status = null;
        for (var i = 0; i < 600; i++)
        {
            var (code, body, _) = await api.Send(HttpMethod.Get, $"/api/privacy/erasures/{subjectId}", null, dpo);
            Assert.True(code == HttpStatusCode.OK, $"erasure status: expected 200, got {(int)code}: {body}");
            status = JsonSerializer.Deserialize<ErasureStatus>(body, Json)!;
            if (status.Status == Erasure.Completed) return status;
            await Task.Delay(100);
        }

        Assert.Fail($"The erasure never completed; last status {status?.Status}.");
        return status!;
    }
}
