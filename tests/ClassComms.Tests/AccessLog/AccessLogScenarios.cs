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

    public static Task<AccessLogHeadCheck> CheckHead(this Api api, Session dpo, SignedAccessLogHead head) =>
        api.Post<AccessLogHeadCheck>("/api/dpo/access-log/verification/head", head, dpo, System.Net.HttpStatusCode.OK);

    /// <summary>
    /// The attacker with write access to the table: recomputes every entry's hash from its stored values, in order, from the start (or the
    /// retention anchor), so that the chain is consistent again after rows were changed. Returns the number of hashes rewritten.
    /// </summary>
    public static async Task<int> RechainAsync(AppFixture app, Guid schoolId)
    {
        var db = app.Host.Services.GetRequiredService<ClassCommsDatabase>().DataSource;
        var rows = new List<(long Seq, byte[] Body)>();
        await using (var read = db.CreateCommand(
                         "select seq, id, at, reader_id, reader_role, student_id, details from classcomms.access_log where school_id = $1 order by seq"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = schoolId });
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), AccessLogChain.Body(schoolId, reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetGuid(3),
                    reader.GetString(4), reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6))));
            }
        }

        await using var anchor = db.CreateCommand("select hash from classcomms.access_log_anchor where school_id = $1 order by seq desc limit 1");
        anchor.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        var previous = await anchor.ExecuteScalarAsync() as byte[] ?? AccessLogChain.Genesis;
        foreach (var (seq, body) in rows)
        {
            previous = AccessLogChain.Hash(previous, seq, body);
            await using var update = db.CreateCommand("update classcomms.access_log set hash = $3 where school_id = $1 and seq = $2");
            update.Parameters.Add(new NpgsqlParameter { Value = schoolId });
            update.Parameters.Add(new NpgsqlParameter { Value = seq });
            update.Parameters.Add(new NpgsqlParameter { Value = previous });
            await update.ExecuteNonQueryAsync();
        }

        return rows.Count;
    }

    public static async Task<int> TamperAsync(AppFixture app, string sql, Guid schoolId, long seq)
    {
        await using var cmd = app.Host.Services.GetRequiredService<ClassCommsDatabase>().DataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = seq });
        return await cmd.ExecuteNonQueryAsync();
    }
}
