using ClassComms.Platform;
using ClassComms.Tests.AccessLog;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.PersonalData;

public sealed class when_the_access_log_is_stored(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task its_rows_hold_ids_role_time_and_ciphertext_but_no_kind_name_or_item_in_plaintext()
    {
        var world = await Api.CreateWorld("Philippa Quenneville");
        var student = world.Students[0];
        await Api.GuardianOf(world.Teacher, student);
        var thread = (await Api.StartConversation(world.Teacher, student, "About the trip")).Threads[0].ConversationId;
        await Api.GetHistory(world.Teacher, student);
        await Api.Thread(world.Teacher, thread);
        Assert.Equal(2, (await Api.AccessLog(world.Dpo)).Entries.Count);

        await using var cmd = Host.Services.GetRequiredService<ClassCommsDatabase>().DataSource.CreateCommand(
            "select t::text, details from classcomms.access_log t where school_id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = world.SchoolId });
        var rows = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            // The row as text (bytea in hex) and the sealed details' raw bytes read as text, so a plaintext inside them would show.
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0) + "\n" + System.Text.Encoding.Latin1.GetString(reader.GetFieldValue<byte[]>(1)));
        }

        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            Assert.Contains(student.ToString(), row); // ids are plain: the DPO filters on them
            foreach (var secret in new[] { "points", "messages", "Philippa", "Quenneville", thread.ToString(), world.Teacher.Name })
            {
                Assert.DoesNotContain(secret, row, StringComparison.OrdinalIgnoreCase);
            }
        }

        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains("access_log", dump);
        Assert.DoesNotContain("Quenneville", dump);
    }
}
