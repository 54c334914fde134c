using System.Diagnostics;
using ClassComms.Conversations;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Audience;

/// <summary>
/// The reads decide from the caller's access document, loaded once: the inbox and the conversation list cost the same number
/// of database commands whatever the number of threads (before, each conversation cost its own loads of the conversation, the
/// student or the class and its students). Commands are counted from the request's Npgsql spans.
/// </summary>
public sealed class when_a_guardian_reads_many_threads(AppFixture app) : IntegrationTest(app)
{
    // Tables whose reads decide visibility or serve the page; the session check (cached) and key store are left out.
    private static readonly string[] Tables =
        ["mt_doc_conversation", "mt_doc_inboxentry", "mt_doc_audiencelink", "mt_doc_audiencemutes", "mt_doc_student", "mt_doc_schoolclass", "mt_doc_messageview"];

    [Fact]
    public async Task the_inbox_and_the_conversation_list_take_as_many_commands_for_six_threads_as_for_two()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        await Threads(world, 1);
        var inbox = await Commands("/api/inbox", () => Api.Inbox(mum));
        var list = await Commands("/api/conversations", () => Api.Get<List<ConversationSummary>>("/api/conversations", mum));

        await Threads(world, 2);
        Assert.Equal(6, (await Api.Inbox(mum)).Items.Count);
        Assert.Equal(inbox, await Commands("/api/inbox", () => Api.Inbox(mum)));
        Assert.Equal(list, await Commands("/api/conversations", () => Api.Get<List<ConversationSummary>>("/api/conversations", mum)));
    }

    /// <summary>Per round: a shared thread about the guardian's child and a class announcement.</summary>
    private async Task Threads(World world, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            await Api.StartConversation(world.Teacher, world.Students[0], $"Thread {i}", ConversationKinds.Shared);
            await Api.Announce(world.Teacher, world.ClassId, $"Announcement {i}", [world.Students[1]]);
        }
    }

    private async Task<int> Commands<T>(string route, Func<Task<T>> read)
    {
        await read();
        App.Spans.Clear();
        await read();
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), route), $"for GET {route}");
        return App.Spans.All().Count(s => s.Source.Name == "Npgsql" && s.TraceId == request.TraceId
                                          && Tables.Any(t => (s.GetTagItem("db.statement")?.ToString() ?? "").Contains(t, StringComparison.Ordinal)));
    }
}
