using ClassComms.AccessLog;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.AccessLog;

public sealed class when_verifying_the_access_log(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task parallel_reads_append_one_unforked_chain()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        await Task.WhenAll(Enumerable.Range(0, 24).Select(Task (i) =>
            i % 2 == 0 ? Api.GetHistory(i % 4 == 0 ? world.Teacher : world.Leader, world.Students[i % 4 / 2]) : Api.GetStudent(world.Teacher, world.Students[0])));

        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(24, verification.Entries);
        var log = await Api.AccessLog(world.Dpo, "?limit=100");
        Assert.Equal(Enumerable.Range(1, 24).Reverse().Select(i => (long)i), log.Entries.Select(e => e.Seq));
    }

    [Theory]
    [InlineData("update classcomms.access_log set reader_role = 'leader' where school_id = $1 and seq = $2")]
    [InlineData("update classcomms.access_log set at = at + interval '1 second' where school_id = $1 and seq = $2")]
    [InlineData("update classcomms.access_log set details = (select details from classcomms.access_log where school_id = $1 and seq = 1) where school_id = $1 and seq = $2")]
    [InlineData("delete from classcomms.access_log where school_id = $1 and seq = $2")]
    public async Task changing_one_stored_row_is_reported_as_the_first_broken_link(string tamper)
    {
        var world = await Api.CreateWorld("Ada");
        for (var i = 0; i < 4; i++) await Api.GetHistory(world.Teacher, world.Students[0]);
        Assert.True((await Api.VerifyAccessLog(world.Dpo)).Intact);

        Assert.Equal(1, await AccessLogScenarios.TamperAsync(App, tamper, world.SchoolId, 3));

        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.False(verification.Intact);
        Assert.Equal(3L, verification.FirstBrokenSeq);
        Assert.Equal(2L, verification.Entries);
    }

    [Fact]
    public async Task after_erasing_the_student_the_chain_verifies_and_their_entries_no_longer_open()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.GetHistory(world.Teacher, ada);
        await Api.GetHistory(world.Teacher, ben);
        await Api.GetStudent(world.Leader, ada);
        var head = (await Api.VerifyAccessLog(world.Dpo)).HeadHash;

        await Api.EraseStudent(world.Dpo, ada);
        await Api.GetStudent(world.Teacher, ada); // staff still see the erased record's ids: logged, with nothing sealed

        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(4, verification.Entries);
        var log = (await Api.AccessLog(world.Dpo)).Entries.Reverse().ToList();
        Assert.All(log.Where(e => e.StudentId == ada), e => Assert.True(e.Shredded && e.Kind is null && e.ItemId is null));
        Assert.Equal(3, log.Count(e => e.StudentId == ada));
        Assert.Equal((ben, AccessKinds.Points, false), (log[1].StudentId, log[1].Kind, log[1].Shredded));
        Assert.Equal((world.Leader.UserId, "leader"), (log[2].ReaderId, log[2].ReaderRole));
        Assert.NotEqual(head, verification.HeadHash);
    }

    [Fact]
    public async Task the_command_verifies_each_school_and_exits_non_zero_at_a_broken_link()
    {
        var world = await Api.CreateWorld("Ada");
        for (var i = 0; i < 3; i++) await Api.GetHistory(world.Teacher, world.Students[0]);
        var connection = AppFixture.Required("ConnectionStrings__Marten");

        var (ok, output) = await ApiProcess.RunAsync(connection, null, "verify-access-log", "--school", world.SchoolId.ToString());
        Assert.True(ok == 0, output);
        Assert.Contains($"school {world.SchoolId}: 3 entries, chain intact", output);

        await AccessLogScenarios.TamperAsync(App, "update classcomms.access_log set reader_id = gen_random_uuid() where school_id = $1 and seq = $2",
            world.SchoolId, 2);
        var (broken, report) = await ApiProcess.RunAsync(connection, null, "verify-access-log", "--school", world.SchoolId.ToString());
        Assert.NotEqual(0, broken);
        Assert.Contains($"school {world.SchoolId}: BROKEN at entry 2", report);
    }
}
