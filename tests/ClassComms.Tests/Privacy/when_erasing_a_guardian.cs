using System.Net;
using System.Net.Http.Json;
using ClassComms.Accounts;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Privacy;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace ClassComms.Tests.Privacy;

public sealed class when_erasing_a_guardian(AppFixture app) : IntegrationTest(app)
{
    private const string TeacherText = "Quentin did wonderfully in the spelling bee";
    private const string MumText = "Mum worries about the bullying at recess";
    private const string FileName = "mum-medical-note";
    private const string AnnouncementText = "Congratulations Quentin Vandersloot on the award";

    [Fact]
    public async Task their_messages_and_media_are_shredded_and_the_teachers_own_stay_readable()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, world.Students[0], TeacherText, ConversationKinds.Shared)).Threads);
        var pdf = await UploadPdf(mum, thread.ConversationId, $"{FileName}.pdf");
        var mumsMessage = await Api.Reply(mum, thread.ConversationId, MumText, [pdf]);
        var stored = await Store.QuerySession(world.SchoolId.ToString()).LoadAsync<MediaObject>(pdf);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/privacy/guardians/{mum.UserId}/erasure", null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/privacy/guardians/{world.Teacher.UserId}/erasure", null, world.Dpo);
        var erasure = await Api.EraseGuardian(world.Dpo, mum.UserId);

        var teacherView = await Api.Thread(world.Teacher, thread.ConversationId);
        var fromMum = teacherView.Messages.Single(m => m.MessageId == mumsMessage.MessageId);
        Assert.True(fromMum.SenderErased);
        Assert.True(fromMum.Erased);
        Assert.Null(fromMum.Text);
        Assert.Null(fromMum.SenderName);
        Assert.Empty(fromMum.Attachments);
        Assert.Equal(TeacherText, teacherView.Messages.Single(m => m.MessageId == thread.MessageId).Text);
        Assert.Equal(TeacherText, (await Api.Thread(dad, thread.ConversationId)).Messages.Single(m => m.MessageId == thread.MessageId).Text);

        Assert.Equal(HttpStatusCode.Gone, (await Api.Send(HttpMethod.Get, $"/api/attachments/{pdf}", null, world.Teacher)).Status);
        Assert.False(await Host.Services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>()
            .GetBlobContainerClient(MediaStore.Container).GetBlobClient(stored!.BlobName).ExistsAsync());
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(mum.Email, Support.Api.Password), null);
        var student = await Api.Get<StudentView>($"/api/students/{world.Students[0]}", world.Teacher);
        Assert.DoesNotContain(student.Guardians!, g => g.GuardianId == mum.UserId);
        Assert.Equal(erasure, await Api.RequestGuardianErasure(world.Dpo, mum.UserId, HttpStatusCode.OK));
    }

    [Fact]
    public async Task erasing_a_student_shreds_the_messages_about_them()
    {
        var world = await Api.CreateWorld();
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var classmatesParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], TeacherText)).Threads[0];
        var naming = await Api.Announce(world.Teacher, world.ClassId, AnnouncementText, [world.Students[0]]);
        var general = await Api.Announce(world.Teacher, world.ClassId, "Field trip forms are due");

        await Api.EraseStudent(world.Dpo, world.Students[0]);

        var teacherView = Assert.Single((await Api.Thread(world.Teacher, thread.ConversationId)).Messages);
        Assert.True(teacherView.Erased);
        Assert.False(teacherView.SenderErased);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages", null, dad);
        var announcement = Assert.Single((await Api.Thread(classmatesParent, naming.ConversationId)).Messages);
        Assert.True(announcement.Erased);
        Assert.Equal("Field trip forms are due", Assert.Single((await Api.Thread(classmatesParent, general.ConversationId)).Messages).Text);
    }

    [Fact]
    public async Task no_message_text_or_file_name_is_in_any_table_even_when_a_push_fails_into_the_dead_letter_queue()
    {
        var world = await Api.CreateWorld("Quentin Vandersloot", "Beatrix Holloway");
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], TeacherText)).Threads[0];
        var pdf = await UploadPdf(mum, thread.ConversationId, $"{FileName}.pdf");
        var mumsMessage = await Api.Reply(mum, thread.ConversationId, MumText, [pdf]);
        await Api.Announce(world.Teacher, world.ClassId, AnnouncementText, [world.Students[0]]);
        await ProjectionsCaughtUp();

        // A notice whose handler fails (the message is not in that school) is retried, then dead-lettered.
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new MessageChanged(Guid.NewGuid(), mumsMessage.MessageId));
        }

        await WaitForDeadLetterAsync(mumsMessage.MessageId);

        string[] personal = [TeacherText, MumText, FileName, AnnouncementText, "Quentin", "Vandersloot", "Beatrix", "recess"];
        var thread2 = await Api.Thread(world.Teacher, thread.ConversationId);
        Assert.Contains(thread2.Messages, m => m.Text == MumText && m.Attachments.Any(a => a.FileName == $"{FileName}.pdf"));
        AssertAbsent(await DatabaseDump.TakeAsync(), personal);

        await Api.EraseGuardian(world.Dpo, mum.UserId);
        await Api.EraseStudent(world.Dpo, world.Students[0]);
        await ProjectionsCaughtUp();
        var after = await Api.Send(HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages", null, world.Teacher);
        foreach (var value in new[] { TeacherText, MumText, FileName }) Assert.DoesNotContain(value, after.Body);
        AssertAbsent(await DatabaseDump.TakeAsync(), personal);

        // Nor does anything the host logged during the scenario (requests, pushes, the erasure workflow, the dead-lettered push
        // and its exception).
        App.AssertLogsContainNone(personal);

        // Nor do the spans it exported (names, attributes such as SQL text, events, status).
        App.AssertSpansContainNone(personal);
    }

    private static void AssertAbsent(string dump, IEnumerable<string> values)
    {
        Assert.Contains("wolverine_dead_letters", dump);
        foreach (var value in values)
        {
            Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains a personal value ({value.Length} chars).");
        }
    }

    private static async Task WaitForDeadLetterAsync(Guid messageId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'wolverine_dead_letters'", connection);
        var schema = (string)(await find.ExecuteScalarAsync())!;
        for (var i = 0; i < 200; i++)
        {
            await using var count = new NpgsqlCommand(
                $"select count(*) from {schema}.wolverine_dead_letters where message_type like '%MessageChanged%' and encode(body, 'escape') like '%' || @id || '%'", connection);
            count.Parameters.AddWithValue("id", messageId.ToString());
            if ((long)(await count.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(100);
        }

        Assert.Fail("The failing notice never reached the dead-letter table.");
    }

    private async Task<Guid> UploadPdf(Session who, Guid conversationId, string name) =>
        (await Api.UploadOk(who, conversationId, Files.Pdf(), name, "application/pdf")).AttachmentId;
}
