using System.Net;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Platform;

public sealed class when_checking_health_and_contract(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task liveness_and_readiness_answer_healthy_with_postgres_and_blob_storage_up()
    {
        var (live, _, _) = await Api.Send(HttpMethod.Get, "/health/live", null, null);
        var (ready, body, _) = await Api.Send(HttpMethod.Get, "/health/ready", null, null);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal("Healthy", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task the_openapi_document_lists_the_endpoints()
    {
        var (status, body, _) = await Api.Send(HttpMethod.Get, "/openapi/v1.json", null, null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("/api/classes/{classId}/points", body);
        Assert.Contains("/api/guardians/me/feed", body);
    }

    [Fact]
    public async Task malformed_json_is_a_400_problem_not_a_500()
    {
        var leader = await Api.CreateSchool();
        var (status, body, result) = await Api.Send(HttpMethod.Post, "/api/classes", null, leader,
            s => s.Post.RawJson("{ not json").ToUrl("/api/classes"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType);
        Assert.DoesNotContain("Exception", body);
    }
}
