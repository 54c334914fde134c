using ClassComms.AccessLog;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.AccessLog;

/// <summary>Reading the access log through the API, and touching its table directly only to play the attacker.</summary>
public static class AccessLogScenarios
{
    public static Task<AccessLogPage> AccessLog(this Api api, Session dpo, string query = "") =>
        api.Get<AccessLogPage>($"/api/dpo/access-log{query}", dpo);

    public static Task<StudentAccessPage> ChildAccessLog(this Api api, Session who, Guid studentId, string query = "") =>
        api.Get<StudentAccessPage>($"/api/students/{studentId}/access-log{query}", who);

    public static Task<AccessLogVerification> VerifyAccessLog(this Api api, Session dpo) =>
        api.Get<AccessLogVerification>("/api/dpo/access-log/verification", dpo);

    public static async Task<int> TamperAsync(AppFixture app, string sql, Guid schoolId, long seq)
    {
        await using var cmd = app.Host.Services.GetRequiredService<ClassCommsDatabase>().DataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = seq });
        return await cmd.ExecuteNonQueryAsync();
    }
}
