using System.Net;
using Alba;
using ClassComms.Retention;
using ClassComms.Tests.Support;
using Npgsql;

namespace ClassComms.Tests.Retention;

/// <summary>
/// A month key destroyed by retention goes through the erasure ledger: a backup taken before the run, restored, has the key
/// again, and the restored host destroys it again before it is ready, so the old point stays shredded.
/// </summary>
public sealed class when_restoring_a_backup_taken_before_a_retention_run(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_restored_host_destroys_the_month_key_again_before_it_is_ready()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        var point = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "Ada was kind to Mo")).Points.Single();
        var key = RetentionKeys.PointsKey(world.SchoolId, Clock.GetUtcNow());
        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);
        Clock.Advance(TimeSpan.FromDays(400));
        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Equal([key], run.Plan.PointKeys);

        var database = "classcomms_tests_restore_retention";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(backup, database);
        try
        {
            Assert.Equal(1L, await WrappedKeysAsync(restored, key)); // the backup brought the key back

            await using var host = await AppFixture.StartHostAsync(restored);
            await host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });

            Assert.Equal(0L, await WrappedKeysAsync(restored, key));
            var history = await new Api(host).GetHistory(world.Teacher, world.Students[0]);
            var shredded = history.Points.Single(p => p.PointId == point.PointId);
            Assert.True(shredded.Shredded);
            Assert.Null(shredded.Note);
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(backup);
        }
    }

    private static async Task<long> WrappedKeysAsync(string database, Guid subject)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from personal_data.subject_keys where subject_id = @id and wrapped_key is not null", connection);
        command.Parameters.AddWithValue("id", subject);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
