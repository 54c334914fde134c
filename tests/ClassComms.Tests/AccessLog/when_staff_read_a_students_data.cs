using System.Net;
using ClassComms.AccessLog;
using ClassComms.Conversations;
using ClassComms.Tests.Consents;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.AccessLog;

public sealed class when_staff_read_a_students_data(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_teacher_reading_points_is_an_entry_the_dpo_and_the_guardian_see()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada]);

        await Api.GetHistory(world.Teacher, ada);

        var log = await Api.AccessLog(world.Dpo);
        var entry = Assert.Single(log.Entries);
        Assert.Equal((world.Teacher.UserId, "teacher", ada, AccessKinds.Points, false),
            (entry.ReaderId, entry.ReaderRole, entry.StudentId, entry.Kind, entry.Shredded));
        Assert.Equal(1, entry.Seq);

        var seen = await Api.ChildAccessLog(guardian, ada);
        var shown = Assert.Single(seen.Entries);
        Assert.Equal(("teacher", world.Teacher.Name, AccessKinds.Points, world.Teacher.UserId), (shown.Role, shown.StaffName, shown.What, shown.StaffId));
        Assert.Equal(entry.At, shown.At);
    }

    [Fact]
    public async Task the_guardians_own_reads_and_the_students_class_views_create_no_entry()
    {
        var world = await Api.CreateWorld("Ada");
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);

        await Api.GetHistory(guardian, ada);
        await Api.GetStudent(guardian, ada);
        await Api.Consents(guardian, ada);
        await Api.ChildAccessLog(guardian, ada);

        Assert.Empty((await Api.AccessLog(world.Dpo)).Entries);
        Assert.Empty((await Api.ChildAccessLog(guardian, ada)).Entries);
    }

    [Fact]
    public async Task a_class_roster_read_by_staff_is_an_entry_for_each_student_it_shows()
    {
        var world = await Api.CreateWorld("Ada", "Ben", "Cleo");
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);

        await Api.GetClass(world.Teacher, world.ClassId);

        var log = await Api.AccessLog(world.Dpo);
        Assert.Equal(world.Students.Order(), log.Entries.Select(e => e.StudentId).Order());
        Assert.All(log.Entries, e => Assert.Equal((world.Teacher.UserId, "teacher", AccessKinds.ClassRoster, world.ClassId),
            (e.ReaderId, e.ReaderRole, e.Kind, e.ItemId)));
        var seen = Assert.Single((await Api.ChildAccessLog(guardian, ada)).Entries);
        Assert.Equal(("teacher", AccessKinds.ClassRoster), (seen.Role, seen.What));
        Assert.True((await Api.VerifyAccessLog(world.Dpo)).Intact);
    }

    [Fact]
    public async Task another_guardian_and_staff_get_404_for_the_childs_log_and_a_non_dpo_gets_403_for_the_school_log()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.GuardianOf(world.Teacher, ada);
        var bensParent = await Api.GuardianOf(world.Teacher, ben, "Bea Parent");
        await Api.GetHistory(world.Teacher, ada);

        foreach (var who in new[] { bensParent, world.Teacher, world.Leader, world.Dpo })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{ada}/access-log", null, who);
        }

        Assert.Empty((await Api.ChildAccessLog(bensParent, ben)).Entries);
        foreach (var who in new[] { world.Teacher, world.Leader, bensParent })
        {
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/dpo/access-log", null, who);
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/dpo/access-log/verification", null, who);
        }
    }

    [Fact]
    public async Task the_student_reads_their_own_log_without_adding_to_it_and_not_a_classmates()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var ada = await Api.StudentAccount(world, 0);
        await Api.GetHistory(world.Leader, world.Students[0]);
        await Api.GetHistory(ada, world.Students[0]);

        var own = await Api.ChildAccessLog(ada, world.Students[0]);
        Assert.Equal(("leader", world.Leader.Name, AccessKinds.Points), (own.Entries.Single().Role, own.Entries.Single().StaffName, own.Entries.Single().What));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[1]}/access-log", null, ada);
        Assert.Single((await Api.AccessLog(world.Dpo)).Entries);
    }

    [Fact]
    public async Task every_staff_read_path_of_a_student_is_logged_with_its_kind_and_dpo_reads_too()
    {
        var world = await Api.CreateWorld("Ada");
        var ada = world.Students[0];
        await Api.GuardianOf(world.Teacher, ada);
        await Api.SetBirthDate(world.Teacher, ada, "2016-04-01");
        var thread = (await Api.StartConversation(world.Teacher, ada, "About the trip")).Threads[0].ConversationId;
        var upload = await Api.UploadOk(world.Teacher, thread, Files.Png(8, 8), "trip.png", "image/png");
        await Api.Reply(world.Teacher, thread, "The photo", [upload.AttachmentId]);

        await Api.GetStudent(world.Teacher, ada);
        await Api.GetHistory(world.Teacher, ada);
        await Api.Consents(world.Teacher, ada);
        await Api.ConsentHistory(world.Teacher, ada);
        await Api.Get<List<ClassComms.Students.ParentCodeView>>($"/api/students/{ada}/parent-codes", world.Teacher);
        await Api.Get<ClassComms.Portfolios.PortfolioPage>($"/api/students/{ada}/portfolio", world.Teacher);
        await Api.Thread(world.Teacher, thread);
        var (status, _) = await Api.Download(world.Teacher, upload.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, status);
        await Api.GetHistory(world.Dpo, ada);

        var log = await Api.AccessLog(world.Dpo, $"?studentId={ada}");
        Assert.Equal(
            [AccessKinds.Record, AccessKinds.Points, AccessKinds.Consents, AccessKinds.BirthDate, AccessKinds.Consents, AccessKinds.ParentCodes,
                AccessKinds.Portfolio, AccessKinds.Messages, AccessKinds.MediaDownload, AccessKinds.Points],
            log.Entries.Reverse().Select(e => e.Kind));
        Assert.Equal(thread, log.Entries.Single(e => e.Kind == AccessKinds.Messages).ItemId);
        Assert.Equal(upload.AttachmentId, log.Entries.Single(e => e.Kind == AccessKinds.MediaDownload).ItemId);
        Assert.Equal("dpo", log.Entries[0].ReaderRole);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), log.Entries.Reverse().Select(e => e.Seq));
    }

    [Fact]
    public async Task the_dpo_filters_by_student_staff_member_and_date_and_pages_by_cursor()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await Api.GetHistory(world.Teacher, ada);
        await Api.GetHistory(world.Leader, ben);
        Clock.Advance(TimeSpan.FromDays(2));
        var later = Clock.GetUtcNow();
        await Api.GetStudent(world.Teacher, ben);
        await Api.GetStudent(world.Leader, ada);

        Assert.Equal([4L, 1L], (await Api.AccessLog(world.Dpo, $"?studentId={ada}")).Entries.Select(e => e.Seq));
        Assert.Equal([3L, 1L], (await Api.AccessLog(world.Dpo, $"?staffId={world.Teacher.UserId}")).Entries.Select(e => e.Seq));
        var since = Uri.EscapeDataString(later.AddMinutes(-1).ToString("O"));
        Assert.Equal([4L, 3L], (await Api.AccessLog(world.Dpo, $"?from={since}")).Entries.Select(e => e.Seq));
        Assert.Equal([2L, 1L], (await Api.AccessLog(world.Dpo, $"?to={since}")).Entries.Select(e => e.Seq));

        var first = await Api.AccessLog(world.Dpo, "?limit=3");
        Assert.Equal([4L, 3L, 2L], first.Entries.Select(e => e.Seq));
        Assert.Equal(2L, first.Next);
        var second = await Api.AccessLog(world.Dpo, $"?limit=3&before={first.Next}");
        Assert.Equal([1L], second.Entries.Select(e => e.Seq));
        Assert.Null(second.Next);

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/dpo/access-log?limit=0", null, world.Dpo);
        Assert.Contains("limit", problem.Errors!.Keys);
    }
}
