using System.Net;
using Alba;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Privacy;
using ClassComms.Schools;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// A database backup taken before an erasure is restored into a fresh database: the people come back with their
/// keys (the keys live in the same database in tests). The ledger, kept outside the database, is applied again
/// (at start-up before the service is ready, or with <c>erasure reapply</c>), and nothing of theirs is readable.
/// </summary>
public sealed class when_restoring_a_backup_taken_before_an_erasure(AppFixture app) : IntegrationTest(app)
{
    private const string StudentName = "Evangeline Marchbanks";
    private const string ClassmateName = "Rufus Applethwaite";
    private const string GuardianName = "Cornelius Pemberton";
    private const string Note = "Evangeline built a wonderful volcano";
    private const string TeacherText = "Evangeline was upset after lunch today";
    private const string GuardianText = "Her grandmother is in hospital this week";

    [Fact]
    public async Task the_restored_host_erases_them_again_before_it_is_ready_and_no_endpoint_shows_anything_of_theirs()
    {
        var scene = await EraseAfterBackupAsync();
        var database = "classcomms_tests_restore_host";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(scene.Backup, database);
        try
        {
            // The backup brought the people back, keys included: this is what the ledger must undo.
            Assert.Equal(3L, await WrappedKeysAsync(restored, scene.Student, scene.Guardian.UserId, scene.Guardian.LoginId));

            await using var host = await AppFixture.StartHostAsync(restored);
            var api = new Api(host);
            await host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });
            await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

            await AssertErasedThroughTheApiAsync(api, scene);
            Assert.Equal(0L, await WrappedKeysAsync(restored, scene.Student, scene.Guardian.UserId, scene.Guardian.LoginId));
            Assert.Equal(Erasure.Completed, (await api.ErasureCompleted(scene.World.Dpo, scene.Student)).Status);
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(scene.Backup);
        }
    }

    [Fact]
    public async Task erasure_reapply_from_the_command_line_erases_them_again_in_the_restored_database()
    {
        var scene = await EraseAfterBackupAsync();
        var database = "classcomms_tests_restore_cli";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(scene.Backup, database);
        try
        {
            Assert.Equal(3L, await WrappedKeysAsync(restored, scene.Student, scene.Guardian.UserId, scene.Guardian.LoginId));

            var (exitCode, output) = await ApiProcess.RunAsync(restored, null, "erasure", "reapply");
            Assert.True(exitCode == 0, $"erasure reapply exited with {exitCode}: {output}");

            // The guardian's membership key and, as it was their only membership, their login's key (the e-mail).
            Assert.Equal(0L, await WrappedKeysAsync(restored, scene.Student, scene.Guardian.UserId, scene.Guardian.LoginId));
            Assert.Equal(3L, await FencesAsync(restored, scene.Student, scene.Guardian.UserId, scene.Guardian.LoginId));
            Assert.Equal(1L, await ScalarAsync(restored, "select count(*) from classcomms.mt_events where stream_id = @id and type = 'student_erased'",
                scene.Student));
            Assert.Equal(1L, await ScalarAsync(restored,
                "select count(*) from classcomms.mt_doc_useraccount where id = @id and coalesce(data->>'ErasedAt', data->>'erasedAt') is not null",
                scene.Guardian.UserId));
            Assert.Equal(1L, await ScalarAsync(restored,
                "select count(*) from classcomms.mt_doc_loginaccount where id = @id and coalesce(data->>'PasswordHash', data->>'passwordHash') = ''",
                scene.Guardian.LoginId));
            Assert.Equal(0L, await ScalarAsync(restored,
                "select count(*) from classcomms.mt_doc_parentcode where coalesce(data->>'StudentId', data->>'studentId') = @id::text " +
                "and coalesce(data->>'RevokedAt', data->>'revokedAt') is null and coalesce(data->>'RedeemedAt', data->>'redeemedAt') is null",
                scene.Student));
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(scene.Backup);
        }
    }

    [Fact]
    public async Task a_school_shredded_after_the_backup_is_shredded_again_by_the_restored_host_before_it_is_ready()
    {
        var world = await Api.CreateWorld();
        await Api.AddSkill(world.Teacher, world.ClassId, "Kindness to Ada");
        Assert.Equal("Grade 3", (await Api.GetClass(world.Teacher, world.ClassId)).Name);
        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);
        await Host.Services.GetRequiredService<ShredSchool>().ShredTextAsync(world.SchoolId, world.Leader.UserId, CancellationToken.None);

        var database = "classcomms_tests_restore_shred";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(backup, database);
        try
        {
            // The backup brought the school's key back: this is what the ledger must undo.
            Assert.Equal(1L, await WrappedKeysAsync(restored, world.SchoolId));

            await using var host = await AppFixture.StartHostAsync(restored);
            var api = new Api(host);
            await host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });

            Assert.Equal(0L, await WrappedKeysAsync(restored, world.SchoolId));
            Assert.Equal(1L, await FencesAsync(restored, world.SchoolId));
            var view = await api.GetClass(world.Teacher, world.ClassId);
            Assert.Null(view.Name);
            Assert.All(view.Skills, s => Assert.Null(s.Name));
            await api.Problem(HttpStatusCode.Gone, HttpMethod.Post, "/api/classes", new CreateClass("Grade 4", null), world.Teacher);
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(backup);
        }
    }

    private sealed record Scene(World World, Guid Student, Guid Classmate, Session Guardian, Guid ConversationId, Guid TeacherAttachment,
        Guid GuardianAttachment, string Backup);

    /// <summary>A school with data about a student and their guardian; a backup; then both erased through the API, to completion.</summary>
    private async Task<Scene> EraseAfterBackupAsync()
    {
        var world = await Api.CreateWorld(StudentName, ClassmateName);
        var student = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, student, GuardianName);
        await Api.IssueCode(world.Teacher, student);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [student], Note);
        var thread = (await Api.StartConversation(world.Teacher, student, TeacherText)).Threads[0];
        var teacherPdf = await Api.UploadOk(world.Teacher, thread.ConversationId, Files.Pdf(), "evangeline-report.pdf", "application/pdf");
        var guardianPdf = await Api.UploadOk(guardian, thread.ConversationId, Files.Pdf(), "hospital-letter.pdf", "application/pdf");
        await Api.Reply(guardian, thread.ConversationId, GuardianText, [guardianPdf.AttachmentId]);
        await Api.Reply(world.Teacher, thread.ConversationId, "Report attached", [teacherPdf.AttachmentId]);
        await ProjectionsCaughtUp();

        // Readable before: the assertions below can fail.
        Assert.Equal(StudentName, (await Api.GetStudent(world.Teacher, student)).Name);
        Assert.Contains((await Api.Thread(world.Teacher, thread.ConversationId)).Messages, m => m.Text == GuardianText);
        Assert.NotEmpty((await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items);

        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);

        await Api.EraseGuardian(world.Dpo, guardian.UserId);
        await Api.EraseStudent(world.Dpo, student);
        return new Scene(world, student, world.Students[1], guardian, thread.ConversationId, teacherPdf.AttachmentId, guardianPdf.AttachmentId, backup);
    }

    private static async Task AssertErasedThroughTheApiAsync(Api api, Scene scene)
    {
        var (world, teacher) = (scene.World, scene.World.Teacher);

        // The student: shown erased, no name, anywhere staff look.
        var view = await api.GetStudent(teacher, scene.Student);
        Assert.True(view.Erased);
        Assert.Null(view.Name);
        Assert.DoesNotContain(view.Guardians!, g => g.GuardianId == scene.Guardian.UserId);
        var roster = await api.GetClass(teacher, world.ClassId);
        Assert.Contains(roster.Students, s => s.StudentId == scene.Student && s.Erased && s.Name is null);
        Assert.Contains(roster.Students, s => s.StudentId == scene.Classmate && s.Name == ClassmateName); // the restore itself is readable
        var history = await api.GetHistory(teacher, scene.Student);
        Assert.Null(history.Name);
        Assert.All(history.Points, p => Assert.Null(p.Note));

        // Messages about the student and from the guardian are shredded; their attachments are gone.
        var thread = await api.Thread(teacher, scene.ConversationId);
        Assert.NotEmpty(thread.Messages);
        Assert.All(thread.Messages, m => Assert.Null(m.Text));
        Assert.All(thread.Messages, m => Assert.Empty(m.Attachments));
        Assert.Contains(thread.Messages, m => m.SenderId == scene.Guardian.UserId && m.SenderErased && m.SenderName is null);
        foreach (var attachment in new[] { scene.TeacherAttachment, scene.GuardianAttachment })
        {
            var status = (await api.Send(HttpMethod.Get, $"/api/attachments/{attachment}", null, teacher)).Status;
            Assert.True(status is HttpStatusCode.Gone or HttpStatusCode.NotFound, $"attachment answered {(int)status}");
        }

        // The guardian: cannot log in, and the session they had when the backup was taken (restored with it) is refused.
        await api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(scene.Guardian.Email, Api.Password), null);
        foreach (var url in new[] { "/api/guardians/me/children", "/api/guardians/me/feed", $"/api/students/{scene.Student}",
                     $"/api/students/{scene.Student}/points", $"/api/conversations/{scene.ConversationId}/messages", "/api/inbox" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, url, null, scene.Guardian)).Status);
        }

        // No new personal data about the student, and no new guardian through an old code.
        await api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.Positive.Id, [scene.Student], false, "A note about an erased child"), teacher);
        var codes = await api.Get<List<ParentCodeView>>($"/api/students/{scene.Student}/parent-codes", teacher);
        Assert.DoesNotContain(codes, c => c.Status == "active");
    }

    private static Task<long> WrappedKeysAsync(string database, params Guid[] subjects) =>
        ScalarAsync(database, "select count(distinct subject_id) from personal_data.subject_keys where subject_id = any(@id) and wrapped_key is not null", subjects);

    private static Task<long> FencesAsync(string database, params Guid[] subjects) =>
        ScalarAsync(database, "select count(*) from personal_data.subject_keys where subject_id = any(@id) and erased_at is not null and wrapped_key is null",
            subjects);

    private static async Task<long> ScalarAsync(string database, string sql, object id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
