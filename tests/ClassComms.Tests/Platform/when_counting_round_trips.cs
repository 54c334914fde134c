using System.Diagnostics;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClassComms.Tests.Platform;

/// <summary>
/// How many database round trips the hot paths make, counted from the Npgsql spans of the request (one span = one command or
/// batch awaited). A count, not a time: a change that adds a query per student, or per recipient, fails here.
/// </summary>
public sealed class when_counting_round_trips(AppFixture app, ITestOutputHelper output) : IntegrationTest(app)
{
    private const string AwardRoute = "/api/classes/{classId}/points";

    private const string AnnouncementRoute = "/api/classes/{classId}/announcements";

    private static readonly string[] ThirtyNames = Enumerable.Range(1, 30).Select(i => $"Student {i:00}").ToArray();

    [Fact]
    public async Task a_whole_class_award_of_thirty_with_a_note_makes_a_fixed_number_of_round_trips()
    {
        var world = await Api.CreateWorld(ThirtyNames);
        await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id, "Great teamwork");

        // Warm caches (the keys exist): the steady state.
        var warmTrips = await AwardRoundTrips(world);
        var warm = warmTrips.Count;
        // Cold key cache (a restarted node, or keys evicted): every key is read, none created.
        Host.Services.GetRequiredService<PersonalDataVault>().EvictAll();
        var cold = (await AwardRoundTrips(world)).Count;

        output.WriteLine($"whole-class award of 30 with a note: {warm} round trips with warm caches, {cold} with a cold key cache");
        // The class with the restrictions of its students (one batch), one batch locking and loading the 30 streams, the commit
        // (the point documents are created without reading them first); and with a cold cache one read of the 31 keys (30
        // students and the month's points key). Before the batching: 34 and 65; then 5 and 6.
        Assert.True(warm <= 3, $"{warm} round trips with warm caches (at most 3 expected)");
        Assert.True(cold <= 4, $"{cold} round trips with a cold key cache (at most 4 expected)");
        // The 30 point entries are one multi-row insert in the commit (PointEntryProjection). Before: 30 upserts, one per entry.
        Assert.Equal(1, Occurrences(string.Join('\n', warmTrips.Select(RoundTrips.Text)), $"insert into {ReadPositions.DocumentTable<PointEntry>()}"));
    }

    [Fact]
    public async Task an_award_to_one_student_and_its_push_make_a_fixed_number_of_round_trips()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var phone = await HubClient.Connect(App, parent);
        var first = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "Warm-up");
        await phone.WaitFor<PointNotice>(nameof(INotificationClient.PointAwarded), n => n.PointId == first.Points[0].PointId);

        App.Spans.Clear();
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "Great teamwork");
        await phone.WaitFor<PointNotice>(nameof(INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), AwardRoute), "for the award");
        var handler = await App.Spans.WaitFor(s => s.Source.Name == "Wolverine" && s.DisplayName.Contains("PointsChanged", StringComparison.Ordinal),
            "for the push");
        var all = App.Spans.All();
        var awardTrips = RoundTrips.UnderRequest(all, request);
        var pushTrips = RoundTrips.UnderHandler(all, handler);
        output.WriteLine(RoundTrips.Describe(awardTrips));
        output.WriteLine(RoundTrips.Describe(pushTrips));
        output.WriteLine($"award to one student with a note: {awardTrips.Count} round trips; its push: {pushTrips.Count}");
        // The award: the class, the student's restriction and the student's stream locked and loaded (one batch), then the commit
        // (warm key cache). Before: 3 (the class and restriction, then the stream). The push: the point, its student, its feed
        // entry and the family audience (one batch), and Wolverine marking the envelope handled. Before: 3 (the audience after).
        Assert.True(awardTrips.Count <= 2, $"{awardTrips.Count} round trips for the award (at most 2 expected)");
        Assert.True(pushTrips.Count <= 2, $"{pushTrips.Count} round trips for the push (at most 2 expected)");
    }

    [Fact]
    public async Task a_reply_in_a_thread_makes_a_fixed_number_of_round_trips()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var conversation = (await Api.StartConversation(world.Teacher, world.Students[0], "First")).Threads.Single();
        await Api.Reply(world.Teacher, conversation.ConversationId, "Warm-up");

        App.Spans.Clear();
        await Api.Reply(world.Teacher, conversation.ConversationId, "Second");
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), "/api/conversations/{conversationId}/messages"),
            "for the reply");
        var trips = RoundTrips.UnderRequest(App.Spans.All(), request);
        output.WriteLine(RoundTrips.Describe(trips));
        output.WriteLine($"reply in a thread: {trips.Count} round trips");
        // The conversation's stream locked and loaded, with the restrictions of the sender and the thread's student and that
        // student's families (one batch, found from the conversation in SQL), then the commit (the events, the conversation's
        // document projected from the one loaded, message view, inbox entries and the envelope). Before: 5 (the conversation,
        // the restrictions, the families, then Marten reading the conversation's document again for its projection, the commit).
        Assert.True(trips.Count <= 2, $"{trips.Count} round trips (at most 2 expected)");
        // In the commit, the message view (numbered on the conversation's head) and the family's inbox entry (on the guardian's
        // head) are one statement moving both heads (MessageProjection). Before: two, one per projection.
        var sent = string.Join('\n', trips.Select(RoundTrips.Text));
        Assert.Contains("mt_doc_messageview", sent);
        Assert.Contains("mt_doc_inboxentry", sent);
        Assert.Equal(1, Occurrences(sent, $"insert into {ReadPositions.Table}"));
    }

    private static int Occurrences(string text, string statement) =>
        (text.Length - text.Replace(statement, "", StringComparison.OrdinalIgnoreCase).Length) / statement.Length;

    [Fact]
    public async Task pushing_a_message_to_a_family_makes_a_fixed_number_of_round_trips()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var phone = await HubClient.Connect(App, parent);
        var conversation = (await Api.StartConversation(world.Teacher, world.Students[0], "First")).Threads.Single();
        await phone.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == conversation.MessageId);

        App.Spans.Clear();
        var reply = await Api.Reply(world.Teacher, conversation.ConversationId, "Second");
        await phone.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == reply.MessageId);
        var handler = await App.Spans.WaitFor(s => s.Source.Name == "Wolverine" && s.DisplayName.Contains("MessageChanged", StringComparison.Ordinal)
, "for the push");
        var all = App.Spans.All();
        var trips = RoundTrips.UnderHandler(all, handler);
        output.WriteLine(RoundTrips.Describe(trips));
        output.WriteLine($"message push: {trips.Count} round trips");
        // The message, conversation, school and the thread student's guardians' links and mutes (one batch), the inbox cursors
        // and staff preferences (one batch), and Wolverine marking the envelope handled. Before the guardians joined the first
        // batch: 5 (their ids, then their links and mutes, one after the other).
        Assert.True(trips.Count <= 3, $"{trips.Count} round trips (at most 3 expected)");
    }

    [Fact]
    public async Task an_announcement_to_a_class_of_thirty_families_makes_a_fixed_number_of_round_trips()
    {
        var world = await Api.CreateWorld(ThirtyNames);
        foreach (var student in world.Students) await Api.GuardianOf(world.Teacher, student);
        await Api.Announce(world.Teacher, world.ClassId, "Warm-up");

        // Warm caches (the keys exist): the steady state.
        var warm = await AnnouncementRoundTrips(world);
        // Cold key cache (a restarted node, or keys evicted): every key is read, none created.
        Host.Services.GetRequiredService<PersonalDataVault>().EvictAll();
        var cold = await AnnouncementRoundTrips(world);

        output.WriteLine($"announcement to 30 families: {warm} round trips with warm caches, {cold} with a cold key cache");
        // The class, the links and mutes of its families (one batch), the commit (events, conversation, message view, the 30
        // inbox entries numbered on their readers' head rows and the outbox envelope in one batch); with a cold cache one read
        // of the sender's key; and either may open with the caller's session check when its cache has expired. Before the
        // batching: 5 and 5 (the class, the families' ids, then their links and mutes, one after the other).
        Assert.True(warm <= 3, $"{warm} round trips with warm caches (at most 3 expected)");
        Assert.True(cold <= 4, $"{cold} round trips with a cold key cache (at most 4 expected)");
    }

    private async Task<int> AnnouncementRoundTrips(World world)
    {
        App.Spans.Clear();
        var posted = await Api.Announce(world.Teacher, world.ClassId, "Trip on Friday");
        Assert.Equal(30, posted.Recipients);
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), AnnouncementRoute),
            "for the announcement");
        var trips = RoundTrips.UnderRequest(App.Spans.All(), request);
        output.WriteLine(RoundTrips.Describe(trips));
        return trips.Count;
    }

    private async Task<IReadOnlyList<Activity>> AwardRoundTrips(World world)
    {
        App.Spans.Clear();
        await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id, "Great teamwork");
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), AwardRoute), "for the award");
        var all = App.Spans.All();
        var trips = RoundTrips.UnderRequest(all, request);
        output.WriteLine(RoundTrips.Describe(trips));
        return trips;
    }
}
