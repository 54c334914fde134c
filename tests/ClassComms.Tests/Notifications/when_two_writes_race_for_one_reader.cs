using System.Collections.Concurrent;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// The feed and the inbox are numbered at commit (Notifications/ReadPositions.cs): two transactions for one reader take
/// turns on the reader's head row, so cursor order is commit order. The inbox counts per recipient (no holes); the feed's
/// numbers come from one sequence taken under the readers' row locks (holes, still in commit order). A reader that keeps reading "after its last cursor"
/// while writes race must therefore see every item, once, in cursor order, and the cursors must have no holes. Each round
/// sends two requests at once (two threads, so the only thing they share is the reader), while the reader polls.
/// </summary>
public sealed class when_two_writes_race_for_one_reader(AppFixture app) : IntegrationTest(app)
{
    private const int Rounds = 25;

    [Fact]
    public async Task parallel_messages_to_one_guardian_get_gap_free_cursors_in_commit_order_and_a_polling_reader_misses_none()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var first = (await Api.StartConversation(world.Teacher, world.Students[0], "First thread")).Threads[0].ConversationId;
        var second = (await Api.StartConversation(world.Teacher, world.Students[0], "Second thread")).Threads[0].ConversationId;
        var start = (await Api.Inbox(parent)).Cursor;

        var (seen, sent) = await RaceAsync(
            async () =>
            {
                var sentNow = await Task.WhenAll(
                    Api.Reply(world.Teacher, first, "One of two at once"),
                    Api.Reply(world.Teacher, second, "The other one"));
                return sentNow.Select(m => m.MessageId);
            },
            async after =>
            {
                var page = await Api.Inbox(parent, after);
                return (page.Items.Select(i => (i.Cursor, i.Message.MessageId)).ToList(), page.Cursor);
            },
            start);

        AssertReadInCommitOrder(seen, sent, start, gapFree: true);
    }

    [Fact]
    public async Task parallel_awards_to_one_child_get_increasing_feed_cursors_in_commit_order_and_a_polling_reader_misses_none()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var start = (await Api.Get<FeedPage>("/api/guardians/me/feed", parent)).Cursor;

        var (seen, sent) = await RaceAsync(
            async () =>
            {
                var awarded = await Task.WhenAll(
                    Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]),
                    Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[0]]));
                return awarded.Select(a => a.Points[0].PointId);
            },
            async after =>
            {
                var page = await Api.Get<FeedPage>($"/api/guardians/me/feed?after={after}", parent);
                return (page.Items.Select(i => (i.Cursor, i.PointId)).ToList(), page.Cursor);
            },
            start);

        AssertReadInCommitOrder(seen, sent, start, gapFree: false);
    }

    /// <summary>Runs the rounds of parallel writes while a reader polls after its last cursor; returns what the reader saw and what was sent.</summary>
    private static async Task<(IReadOnlyList<(long Cursor, Guid Id)> Seen, IReadOnlyList<Guid> Sent)> RaceAsync(
        Func<Task<IEnumerable<Guid>>> writeTwo, Func<long, Task<(List<(long Cursor, Guid Id)> Items, long Cursor)>> readAfter, long start)
    {
        var sent = new ConcurrentQueue<Guid>();
        var seen = new List<(long Cursor, Guid Id)>();
        var writing = true;
        var reader = Task.Run(async () =>
        {
            var cursor = start;
            while (true)
            {
                var last = !Volatile.Read(ref writing); // one more full read after the last write
                while (true)
                {
                    var (items, next) = await readAfter(cursor);
                    seen.AddRange(items);
                    cursor = next;
                    if (items.Count == 0) break;
                }

                if (last) return;
            }
        });

        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var id in await writeTwo()) sent.Enqueue(id);
            }
        }
        finally
        {
            Volatile.Write(ref writing, false);
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(60));
        return (seen, sent.ToList());
    }

    private static void AssertReadInCommitOrder(IReadOnlyList<(long Cursor, Guid Id)> seen, IReadOnlyList<Guid> sent, long start, bool gapFree)
    {
        Assert.Equal(2 * Rounds, sent.Count);
        // Every item once: a later commit with a smaller cursor would have been skipped by the reader.
        Assert.Equal(sent.Order(), seen.Select(s => s.Id).Order());
        // In cursor order, after the reader's start; the inbox's cursors are consecutive positions with no hole.
        Assert.True(seen[0].Cursor > start);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));
        if (gapFree) Assert.Equal(Enumerable.Range(0, sent.Count).Select(i => seen[0].Cursor + i), seen.Select(s => s.Cursor));
    }
}
