using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ClassComms.Notifications;

/// <summary>Server-to-client contract. Notifications are hints; the feed is the truth.</summary>
public interface INotificationClient
{
    Task PointAwarded(PointNotice notice);

    Task PointRemoved(PointNotice notice);

    Task MessageReceived(MessageNotice notice);

    Task MessageWithdrawn(MessageNotice notice);

    Task MessagesRead(ReadNotice notice);

    /// <summary>To a student's guardians: the student reached the age of consent and now decides (Consents/ReachAgeOfConsent.cs).</summary>
    Task AgeOfConsentReached(Consents.AgeOfConsentNotice notice);

    Task StoryPostPublished(StoryNotice notice);

    Task StoryCommentPublished(StoryCommentNotice notice);

    /// <summary>A portfolio item added, approved or commented, to those who may see it (Portfolios/PushPortfolioNotices.cs).</summary>
    Task PortfolioChanged(Portfolios.PortfolioNotice notice);

    /// <summary>A story post edited or deleted, or a comment hidden, to the post's audience (Stories/PushStoryNotices.cs).</summary>
    Task StoryItemChanged(StoryChangeNotice notice);

    /// <summary>A subject access export progressed (state, items collected), to the DPO who asked (Exports/BuildExport.cs).</summary>
    Task ExportProgressed(Exports.ExportNotice notice);

    /// <summary>To the school's DPOs: an incident's 72-hour clock is about to end or has ended unnotified (Incidents/IncidentReminders.cs).</summary>
    Task IncidentReminder(Incidents.IncidentReminderNotice notice);

    /// <summary>To a student's guardians once the student's erasure is complete: the child is no longer shown (Notifications/PushChildRemoved.cs).</summary>
    Task ChildRemoved(ChildRemovedNotice notice);

    /// <summary>To the class's teacher: a student registered with the class code and waits for a decision (StudentAccounts/PushStudentRegistrationNotices.cs).</summary>
    Task StudentRegistrationWaiting(StudentAccounts.StudentRegistrationNotice notice);
}

/// <summary>
/// A new (or withdrawn) message the recipient may see: ids and flags only; the text is fetched from the inbox or thread.
/// Sent once the message is readable. <c>Cursor</c> is its position in the recipient's inbox (<c>GET /api/inbox?after={Cursor - 1}</c>
/// returns it first); null when it is not in their inbox (the sender's own sessions, a participant who joined later): read the thread.
/// </summary>
public sealed record MessageNotice(Guid MessageId, Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, Guid SenderId, bool Urgent,
    int Attachments, DateTimeOffset At, long? Cursor = null);

/// <summary>Tells a sender that a participant read some of their messages.</summary>
public sealed record ReadNotice(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds);

/// <summary>
/// A point event the recipient may see: ids and non-personal facts only (the note and the skill name, which is staff-typed text
/// sealed under the school's key, are fetched from the feed). Sent once the feed
/// holds it: <c>Cursor</c> is its position in the guardian feed (<c>GET /api/guardians/me/feed?after={Cursor - 1}</c> returns it
/// first); null when the feed no longer holds it (the student was erased).
/// </summary>
public sealed record PointNotice(Guid PointId, Guid AwardId, Guid StudentId, Guid ClassId, Guid SkillId, bool Positive,
    int Value, bool HasNote, DateTimeOffset At, long? Cursor = null);

/// <summary>
/// A new story post the recipient may see: ids and counts only (the text is fetched from the story). Sent once the story holds
/// it: <c>Cursor</c> is its position in the story (<c>GET /api/stories/{StoryId}/posts?after={Cursor - 1}</c> returns it first).
/// </summary>
public sealed record StoryNotice(Guid PostId, Guid StoryId, string Kind, Guid AuthorId, int Media, DateTimeOffset At, long Cursor);

/// <summary>
/// A comment now shown on a story post (added, or approved): ids only. <c>Cursor</c> is its position in the post's comments
/// (<c>GET /api/stories/posts/{PostId}/comments?after={Cursor - 1}</c> returns it first).
/// </summary>
public sealed record StoryCommentNotice(Guid CommentId, Guid PostId, Guid StoryId, Guid AuthorId, DateTimeOffset At, long Cursor);

/// <summary>
/// A story item changed after it was pushed: <c>Change</c> is <c>edited</c> (re-read the post: <c>GET /api/stories/{StoryId}/posts?after={Cursor - 1}</c>
/// returns it first), <c>deleted</c> (drop it; <c>Cursor</c> null) or <c>commentHidden</c> (<c>CommentId</c>; drop it for family members). Ids only.
/// </summary>
public sealed record StoryChangeNotice(Guid PostId, Guid StoryId, string Change, Guid? CommentId, DateTimeOffset At, long? Cursor);

/// <summary>
/// Authorized hub. Each connection joins only its own user group, computed on the server from the token;
/// clients cannot join groups, and nothing is ever broadcast. Connections are tracked per user and session so that
/// erasure, a changed security stamp or logout closes them at once; they also close when their access token expires.
/// </summary>
[Authorize]
public sealed class NotificationHub(SessionConnections connections, SessionValidator sessions, IDocumentStore store) : Hub<INotificationClient>
{
    public const string Path = "/hubs/notifications";

    public static string UserGroup(Guid userId) => $"user:{userId:N}";

    public override async Task OnConnectedAsync()
    {
        var caller = Caller.From(Context.User!);
        if (caller is null)
        {
            Context.Abort();
            return;
        }

        connections.Add(Context, caller.UserId);
        // Checked again once registered: a revocation committed while this connection was being set up is not missed.
        if (!await sessions.IsValidAsync(Context.User!, store, Context.ConnectionAborted))
        {
            connections.Remove(Context.ConnectionId, caller.UserId);
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(caller.UserId));
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Caller.From(Context.User!) is { } caller) connections.Remove(Context.ConnectionId, caller.UserId);
        return base.OnDisconnectedAsync(exception);
    }
}
