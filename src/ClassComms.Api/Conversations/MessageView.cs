using ClassComms.Media;
using ClassComms.PersonalData;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using ClassComms.Notifications;

namespace ClassComms.Conversations;

public sealed record ReadReceipt(Guid ReaderId, DateTimeOffset At);

/// <summary>
/// One message, inline so a sender reads their own write. Withdrawal drops the sealed content from the read side.
/// <c>Sequence</c> (webcursor3) is the thread's change cursor: each change of the message (posted, withdrawn, read) moves it to
/// the conversation's next position, taken at commit on the conversation's head row (<see cref="Notifications.ReadPositions"/>),
/// so two transactions of one conversation take turns and a page reading "changed after X" never misses a later commit.
/// </summary>
public sealed record MessageView(
    Guid Id,
    Guid ConversationId,
    Guid SenderId,
    Sealed? Body,
    IReadOnlyList<AttachmentRef> Attachments,
    bool Urgent,
    DateTimeOffset PostedAt,
    DateTimeOffset? WithdrawnAt,
    IReadOnlyList<ReadReceipt> ReadBy,
    long Sequence = 0)
{
    public bool Withdrawn => WithdrawnAt is not null;
}

/// <summary>
/// Inline: the views of a transaction's messages and their recipients' inbox entries (<see cref="InboxEntries"/>), written in
/// one statement (<see cref="ReadPositions.Write"/>: the conversation's head and the recipients' heads moved in one upsert).
/// A posted message only creates its view, stored without reading anything first (an aggregating projection would load the
/// view by id before the commit: one more round trip per message); a withdrawal or a read receipt reads the views it changes,
/// in one query.
/// </summary>
public sealed class MessageProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var school in events.GroupBy(e => e.TenantId))
        {
            var changed = await ChangedViewsAsync(operations, school.ToList(), cancellation);
            ReadPositions.Write(operations, school.Key,
                ReadPositions.Replacing(operations, changed.Select(v => (v.ConversationId, v.Id.ToString(), v)).ToList()),
                ReadPositions.Inserting(operations, InboxEntries.For(school)));
        }
    }

    /// <summary>The views the events create or change, in the order of their changes' first occurrence.</summary>
    private static async Task<List<MessageView>> ChangedViewsAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events,
        CancellationToken cancellation)
    {
        var posted = events.Select(e => e.Data).OfType<MessagePosted>().Select(p => p.MessageId).ToHashSet();
        var stored = events.SelectMany(e => e.Data switch
            {
                MessageWithdrawn w => [w.MessageId],
                MessagesRead r => r.MessageIds,
                _ => (IEnumerable<Guid>)[],
            })
            .Where(id => !posted.Contains(id)).Distinct().ToArray();
        var views = stored.Length == 0
            ? new Dictionary<Guid, MessageView>()
            : (await operations.LoadManyAsync<MessageView>(cancellation, stored)).ToDictionary(v => v.Id);
        var changed = new HashSet<Guid>();
        void Put(MessageView view)
        {
            views[view.Id] = view;
            changed.Add(view.Id);
        }

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case MessagePosted p:
                    Put(Create(p));
                    break;
                case MessageWithdrawn w when views.TryGetValue(w.MessageId, out var view):
                    Put(Apply(view, w));
                    break;
                case MessagesRead r:
                    foreach (var id in r.MessageIds)
                    {
                        if (views.TryGetValue(id, out var read) && Apply(read, r) is var receipted && !ReferenceEquals(receipted, read)) Put(receipted);
                    }

                    break;
            }
        }

        // Each changed view takes its conversation's next position (replaced when it exists).
        return changed.Select(id => views[id]).ToList();
    }

    public static MessageView Create(MessagePosted e) =>
        new(e.MessageId, e.ConversationId, e.SenderId, e.Body, e.Attachments, e.Urgent, e.At, null, []);

    public static MessageView Apply(MessageView view, MessageWithdrawn e) =>
        view with { WithdrawnAt = e.At, Body = null, Attachments = [] };

    public static MessageView Apply(MessageView view, MessagesRead e) =>
        view.ReadBy.Any(r => r.ReaderId == e.ReaderId) || view.SenderId == e.ReaderId
            ? view
            : view with { ReadBy = [.. view.ReadBy, new ReadReceipt(e.ReaderId, e.At)] };
}
