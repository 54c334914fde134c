using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

public sealed class when_teachers_and_families_talk(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);

    [Fact]
    public async Task private_mode_opens_one_thread_per_guardian_and_each_sees_only_their_own()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        await using var mumApp = await HubClient.Connect(App, mum);

        var started = await Api.StartConversation(world.Teacher, world.Students[0], "Ada had a great day");
        Assert.Equal(2, started.Threads.Count);
        var mumsThread = started.Threads.Single(t => t.GuardianIds.Contains(mum.UserId));
        var dadsThread = started.Threads.Single(t => t.GuardianIds.Contains(dad.UserId));

        var notice = await mumApp.WaitFor<MessageNotice>(Received, n => n.MessageId == mumsThread.MessageId);
        Assert.Equal(world.Students[0], notice.StudentId);
        Assert.Equal("Ada had a great day", Assert.Single((await Api.Thread(mum, mumsThread.ConversationId)).Messages).Text);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{dadsThread.ConversationId}/messages", null, mum);
        Assert.DoesNotContain(mumApp.All<MessageNotice>(Received), n => n.MessageId == dadsThread.MessageId);
    }

    [Fact]
    public async Task a_guardian_replies_in_a_shared_thread_and_the_teacher_and_other_guardian_get_it()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, world.Students[0], "Trip on Friday", ConversationKinds.Shared)).Threads);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var dadApp = await HubClient.Connect(App, dad);

        var reply = await Api.Reply(mum, thread.ConversationId, "Thanks, she will bring a lunch");
        await teacherApp.WaitFor<MessageNotice>(Received, n => n.MessageId == reply.MessageId);
        await dadApp.WaitFor<MessageNotice>(Received, n => n.MessageId == reply.MessageId);

        var page = await Api.Thread(world.Teacher, thread.ConversationId);
        Assert.Equal(["Thanks, she will bring a lunch", "Trip on Friday"], page.Messages.Select(m => m.Text));
        Assert.Equal("Mum", page.Messages[0].SenderName);
    }

    [Fact]
    public async Task strangers_to_a_thread_get_404_when_reading_or_replying()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Other Teacher");
        var otherSchool = await Api.CreateWorld();
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        foreach (var stranger in new[] { otherParent, otherTeacher, otherSchool.Teacher, otherSchool.Leader })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages", null, stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
                new PostMessage("Hi", null, false), stranger);
        }

        // A teacher cannot write to the guardians of a student in another teacher's class.
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/conversations",
            new StartConversation(world.Students[0], ConversationKinds.Private, "Hi", false), otherTeacher);
        Assert.Single((await Api.Thread(mum, thread.ConversationId)).Messages);
    }

    [Fact]
    public async Task bad_messages_are_400s_naming_the_field()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        Assert.Contains("text", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage("   ", null, false), mum)).Errors!.Keys);
        Assert.Contains("text", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage(new string('x', MessageDraft.MaxTextLength + 1), null, false), mum)).Errors!.Keys);
        Assert.Contains("urgent", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/conversations",
            new StartConversation(world.Students[0], ConversationKinds.Private, "Hi", true), world.Teacher)).Errors!.Keys);
        Assert.Contains("mode", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/conversations",
            new StartConversation(world.Students[0], "group", "Hi", false), world.Teacher)).Errors!.Keys);
        Assert.Contains("conversationId", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/conversations/nope/messages",
            new PostMessage("Hi", null, false), mum)).Errors!.Keys);
        Assert.Contains("attachmentIds", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage("Hi", [Guid.CreateVersion7()], false), mum)).Errors!.Keys);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, "/api/conversations",
            new StartConversation(world.Students[1], ConversationKinds.Private, "Nobody to read this", false), world.Teacher);
        Assert.Single((await Api.Thread(mum, thread.ConversationId)).Messages);
    }

    [Fact]
    public async Task a_leader_joins_a_thread_then_reads_and_writes_in_it()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Concern about homework")).Threads[0];
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages", null, world.Leader);
        var listed = await Api.Get<List<ConversationSummary>>($"/api/conversations?classId={world.ClassId}", world.Leader);
        Assert.Contains(listed, c => c.ConversationId == thread.ConversationId && !c.Participant);

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/join", null, world.Leader)).Status);
        await using var mumApp = await HubClient.Connect(App, mum);
        var urgent = await Api.Reply(world.Leader, thread.ConversationId, "The school will call you today", urgent: true);
        var notice = await mumApp.WaitFor<MessageNotice>(Received, n => n.MessageId == urgent.MessageId);
        Assert.True(notice.Urgent);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/join", null, world.Teacher);
    }
}
