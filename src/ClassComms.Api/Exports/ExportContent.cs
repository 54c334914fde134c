using ClassComms.AccessLog;
using ClassComms.Accounts;
using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Portfolios;
using ClassComms.Schools;
using ClassComms.Stories;
using ClassComms.Students;
using Marten;

namespace ClassComms.Exports;

// The items of an export, per kind (schema version ExportSchema.Version). Other people appear by role only ("teacher", "guardian",
// "staff", "student", "you"), never by name or id; other students tagged in the same photo are counted, not named.

public sealed record ProfileField(string Field, string? Value, string Provenance);

public sealed record FileRef(Guid AttachmentId, string ContentType, long Size, string? FileName, string? Path);

public sealed record PointItem(Guid PointId, string Provenance, string AwardedBy, DateTimeOffset AwardedAt, string? Skill, bool Positive, int Value,
    string? Note, DateTimeOffset? RemovedAt);

public sealed record MessageExportItem(Guid MessageId, Guid ConversationId, string ConversationKind, string Provenance, string From,
    DateTimeOffset PostedAt, string? Text, bool Withdrawn, bool Erased, IReadOnlyList<FileRef> Attachments);

public sealed record StoryAppearance(Guid PostId, string StoryKind, string Provenance, string Author, DateTimeOffset PostedAt, string? Text,
    IReadOnlyList<StoryAppearanceMedia> Media);

public sealed record StoryAppearanceMedia(FileRef File, bool Tagged, int OtherStudentsTagged);

public sealed record PortfolioExportItem(Guid ItemId, string Kind, string Provenance, string Author, DateTimeOffset AddedAt, bool Approved,
    string? Text, FileRef? File, IReadOnlyList<PortfolioExportComment> Comments);

public sealed record PortfolioExportComment(Guid CommentId, string Provenance, string Author, DateTimeOffset At, string? Text);

public sealed record ConsentItem(string Purpose, bool Given, string Source, string RecordedBy, string Provenance, DateTimeOffset At,
    Guid? StudentId, string? Evidence);

public sealed record LinkItem(string Role, Guid? StudentId, string Provenance, DateTimeOffset LinkedAt, bool Restricted);

/// <summary>A staff read of the student's data (AccessLog/): the reader by role only; what kind and which item, unless shredded.</summary>
public sealed record AccessLogExportItem(Guid EntryId, string Provenance, string ReadBy, DateTimeOffset At, string? Kind, Guid? ItemId, bool Shredded);

/// <summary>What a member of staff did on a student's portfolio item: a comment they wrote, an approval or a rejection (the student not named).</summary>
public sealed record PortfolioActionItem(Guid ItemId, string Action, Guid? CommentId, string Provenance, DateTimeOffset At, string? Text);

public sealed record StoryContributionItem(Guid PostId, string Kind, Guid? CommentId, string Provenance, DateTimeOffset At, string? Text, bool Hidden);

/// <summary>One JSON file of the export: every file carries the schema version and its kind.</summary>
public sealed record ExportFile(string SchemaVersion, string Kind, Guid ExportId, string SubjectKind, Guid SubjectId, string Scope, int Count,
    IReadOnlyList<object> Items);

/// <summary>A media file to copy into the ZIP, decrypted from Blob Storage.</summary>
public sealed record MediaToCopy(Guid AttachmentId, string Path);

/// <summary>What an export holds, gathered with the existing readers (<see cref="MessageReader"/>, the vault, the audience decision).</summary>
public sealed class ExportContent
{
    public string? SchoolName { get; set; }
    public string? SubjectName { get; set; }
    public SortedDictionary<string, List<object>> Kinds { get; } = new(StringComparer.Ordinal);
    public List<MediaToCopy> Media { get; } = [];

    public int ItemCount => Kinds.Values.Sum(k => k.Count);

    public void Add(string kind, object item) => Of(kind).Add(item);

    public List<object> Of(string kind) => Kinds.TryGetValue(kind, out var list) ? list : Kinds[kind] = [];

    public FileRef File(AttachmentRef a, string? fileName)
    {
        var path = Media.FirstOrDefault(m => m.AttachmentId == a.AttachmentId)?.Path;
        if (path is null)
        {
            path = $"media/{a.AttachmentId:N}{Extension(a.ContentType)}";
            Media.Add(new MediaToCopy(a.AttachmentId, path));
        }

        return new FileRef(a.AttachmentId, a.ContentType, a.Size, fileName, path);
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/heic" => ".heic",
        "video/mp4" => ".mp4",
        "video/quicktime" => ".mov",
        "video/webm" => ".webm",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };
}

/// <summary>Gathers a subject's items, kind by kind; the progress callback is told the running count after each kind.</summary>
public sealed class ExportCollector(PersonalDataVault vault, MessageReader messages)
{
    public const string ProfileKind = "profile";
    public const string PointsKind = "points";
    public const string MessagesKind = "messages";
    public const string StoriesKind = "story-appearances";
    public const string PortfolioKind = "portfolio";
    public const string ConsentsKind = "consents";
    public const string LinksKind = "guardian-links";
    public const string ContributionsKind = "story-contributions";
    public const string AccessLogKind = "access-log";
    public const string PortfolioActionsKind = "portfolio-actions";

    /// <summary>Every kind a file is written for (an empty one too, so a reader knows it was looked at).</summary>
    public static IReadOnlyList<string> KindsFor(string subjectKind) => subjectKind switch
    {
        ExportKinds.Student => [ProfileKind, PointsKind, MessagesKind, StoriesKind, PortfolioKind, ConsentsKind, LinksKind, AccessLogKind],
        ExportKinds.Guardian => [ProfileKind, MessagesKind, ConsentsKind, LinksKind, ContributionsKind],
        _ => [ProfileKind, PointsKind, MessagesKind, StoriesKind, ContributionsKind, PortfolioActionsKind, AccessLogKind],
    };

    public async Task<ExportContent> CollectAsync(IQuerySession session, Guid schoolId, SubjectExport export, Func<int, Task> progress, CancellationToken ct)
    {
        var content = new ExportContent();
        foreach (var kind in KindsFor(export.SubjectKind)) content.Of(kind);
        var school = await session.LoadAsync<School>(schoolId, ct);
        content.SchoolName = school is null ? null : await school.NameAsync(vault, ct);
        var subject = export.SubjectId;
        await vault.PreloadAsync([schoolId, subject], ct);

        if (export.SubjectKind == ExportKinds.Student)
        {
            await StudentProfileAsync(session, subject, content, ct);
            await progress(content.ItemCount);
            await StudentPointsAsync(session, subject, content, ct);
            await progress(content.ItemCount);
            await StudentMessagesAsync(session, subject, content, ct);
            await progress(content.ItemCount);
            await StoryAppearancesAsync(session, subject, content, ct);
            await PortfolioAsync(session, subject, content, ct);
            await progress(content.ItemCount);
            await ConsentsAsync(session, subject, byGuardian: false, content, ct);
            await AccessLogAsync(session, subject, content, ct);
        }
        else
        {
            await AccountProfileAsync(session, subject, content, ct);
            await progress(content.ItemCount);
            if (export.SubjectKind == ExportKinds.Guardian)
            {
                await GuardianMessagesAsync(session, schoolId, subject, content, ct);
                await progress(content.ItemCount);
                await ConsentsAsync(session, subject, byGuardian: true, content, ct);
                await GuardianLinksAsync(session, subject, content, ct);
                await StoryContributionsAsync(session, subject, content, ct);
            }
            else
            {
                await StaffItemsAsync(session, subject, content, ct);
                await progress(content.ItemCount);
                await StoryContributionsAsync(session, subject, content, ct);
                await PortfolioActionsAsync(session, subject, content, ct);
                await OwnReadsAsync(session, subject, content, ct);
            }
        }

        if (export.Scope == ExportKinds.ProvidedBySubject) KeepProvidedBySubject(content);
        await progress(content.ItemCount);
        return content;
    }

    /// <summary>Portability: only what the subject provided; media kept only where a kept item points at it.</summary>
    private static void KeepProvidedBySubject(ExportContent content)
    {
        foreach (var (kind, items) in content.Kinds.ToList())
        {
            items.RemoveAll(i => ProvenanceOf(i) != Provenance.ProvidedBySubject);
        }

        var kept = new HashSet<Guid>();
        foreach (var item in content.Kinds.Values.SelectMany(i => i))
        {
            switch (item)
            {
                case MessageExportItem m: kept.UnionWith(m.Attachments.Select(a => a.AttachmentId)); break;
                case PortfolioExportItem p when p.File is { } f: kept.Add(f.AttachmentId); break;
            }
        }

        content.Media.RemoveAll(m => !kept.Contains(m.AttachmentId));
    }

    private static string ProvenanceOf(object item) => item switch
    {
        ProfileField x => x.Provenance,
        PointItem x => x.Provenance,
        MessageExportItem x => x.Provenance,
        StoryAppearance x => x.Provenance,
        PortfolioExportItem x => x.Provenance,
        ConsentItem x => x.Provenance,
        LinkItem x => x.Provenance,
        StoryContributionItem x => x.Provenance,
        AccessLogExportItem x => x.Provenance,
        PortfolioActionItem x => x.Provenance,
        _ => Provenance.CreatedByStaff,
    };

    /// <summary>
    /// Who on the staff read the student's data (<see cref="AccessLogQueries.ForStudentAsync"/>), oldest first: role, time, what and which
    /// item. Created by the system about staff, so not in the portability scope. The reader is shown by role only.
    /// </summary>
    private async Task AccessLogAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        foreach (var e in await AccessLogQueries.ForStudentAsync(session, vault, studentId, ct))
        {
            content.Add(AccessLogKind, new AccessLogExportItem(e.EntryId, Provenance.CreatedByStaff, e.ReaderRole, e.At, e.Kind, e.ItemId, e.Shredded));
        }
    }

    private async Task StudentProfileAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null) return;
        content.SubjectName = await vault.UnsealAsync(student.Name, ct);
        var cls = await session.LoadAsync<SchoolClass>(student.ClassId, ct);
        content.Add(ProfileKind, new ProfileField("role", "student", Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("name", content.SubjectName, Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("class", cls is null ? null : await vault.OpenAsync(cls.Name, cls.Id, ct), Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("enrolledAt", student.EnrolledAt.ToString("O"), Provenance.CreatedByStaff));
        if (student.BirthDate is not null)
            content.Add(ProfileKind, new ProfileField("birthDate", await vault.UnsealAsync(student.BirthDate, ct), Provenance.CreatedByStaff));
        if (student.AgeOfConsentReachedAt is { } reached)
            content.Add(ProfileKind, new ProfileField("ageOfConsentReachedAt", reached.ToString("O"), Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("positivePoints", student.PositivePoints.ToString(), Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("needsWorkPoints", student.NeedsWorkPoints.ToString(), Provenance.CreatedByStaff));
        foreach (var (link, i) in student.Guardians.Select((g, i) => (g, i)))
        {
            content.Add(LinksKind, new LinkItem($"guardian {i + 1}", null, Provenance.CreatedByStaff, link.LinkedAt, link.Restricted));
        }
    }

    private async Task StudentPointsAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        var points = await session.Query<PointEntry>().Where(p => p.StudentId == studentId).OrderBy(p => p.AwardedAt).ToListAsync(ct);
        foreach (var p in points)
        {
            content.Add(PointsKind, new PointItem(p.Id, Provenance.CreatedByStaff, "teacher", p.AwardedAt, await vault.OpenAsync(p.SkillName, p.SkillId, ct),
                p.Positive, p.Value, await vault.UnsealAsync(p.Note, p.Id.ToString(), ct), p.RemovedAt));
        }
    }

    /// <summary>The threads about the student (private and shared), and the announcements that name them.</summary>
    private async Task StudentMessagesAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        var conversations = await session.Query<Conversation>()
            .Where(c => c.StudentId == studentId || c.AboutStudentIds.Contains(studentId)).ToListAsync(ct);
        foreach (var conversation in conversations.OrderBy(c => c.StartedAt))
        {
            await AddMessagesAsync(session, conversation, DateTimeOffset.MinValue, Guid.Empty, m => m.SenderId == studentId, content, ct);
        }
    }

    /// <summary>A guardian's threads, from when each became theirs (the one audience decision, as their inbox reads them).</summary>
    private async Task GuardianMessagesAsync(IQuerySession session, Guid schoolId, Guid guardianId, ExportContent content, CancellationToken ct)
    {
        var access = await AudienceAccess.LoadAsync(session, guardianId, ct);
        var conversations = (await session.Query<Conversation>().Where(c => c.GuardianIds.Contains(guardianId)).ToListAsync(ct)).ToList();
        var sent = await session.Query<MessageView>().Where(m => m.SenderId == guardianId).Select(m => m.ConversationId).ToListAsync(ct);
        foreach (var id in sent.Distinct().Where(id => conversations.All(c => c.Id != id)))
        {
            if (await session.LoadAsync<Conversation>(id, ct) is { } more) conversations.Add(more);
        }

        foreach (var conversation in conversations.OrderBy(c => c.StartedAt))
        {
            // Their own messages always; the others' from when the thread became theirs (Audience/Visibility.cs).
            var from = ConversationAccess.Of(access, conversation) ?? DateTimeOffset.MaxValue;
            await AddMessagesAsync(session, conversation, from, guardianId, m => m.SenderId == guardianId, content, ct);
        }
    }

    private async Task AddMessagesAsync(IQuerySession session, Conversation conversation, DateTimeOffset from, Guid ownSender,
        Func<MessageView, bool> bySubject, ExportContent content, CancellationToken ct)
    {
        var views = await session.Query<MessageView>().Where(m => m.ConversationId == conversation.Id).OrderBy(m => m.PostedAt).ToListAsync(ct);
        views = views.Where(m => m.PostedAt >= from || m.SenderId == ownSender).ToList();
        if (views.Count == 0) return;
        var senders = (await session.LoadManyAsync<UserAccount>(ct, views.Select(v => v.SenderId).Distinct())).ToDictionary(a => a.Id, a => a.Role);
        var items = await messages.ReadAsync(session, Guid.Empty, views, ct);
        foreach (var (view, item) in views.Zip(items))
        {
            var own = bySubject(view);
            var role = senders.GetValueOrDefault(view.SenderId, Role.Teacher);
            // For a minor, what a guardian wrote about them counts as provided on their behalf (as their consents do).
            var provided = own || (ownSender == Guid.Empty && role == Role.Guardian);
            var attachments = item.Attachments.Select(a => content.File(view.Attachments.First(r => r.AttachmentId == a.AttachmentId), a.FileName)).ToList();
            content.Add(MessagesKind, new MessageExportItem(item.MessageId, conversation.Id, conversation.Kind,
                provided ? Provenance.ProvidedBySubject : Provenance.CreatedByStaff,
                own ? "you" : RoleOf(role), item.PostedAt, item.Text, item.Withdrawn, item.Erased,
                attachments));
        }
    }

    private async Task StoryAppearancesAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        var posts = await session.Query<StoryPostView>().Where(p => p.StudentIds.Contains(studentId)).OrderBy(p => p.PostedAt).ToListAsync(ct);
        foreach (var post in posts)
        {
            var media = new List<StoryAppearanceMedia>();
            foreach (var m in post.Media.Where(m => m.TaggedStudentIds.Contains(studentId) || m.ExcludedStudentIds.Contains(studentId)))
            {
                var tagged = m.TaggedStudentIds.Contains(studentId);
                var file = tagged
                    ? content.File(m.Attachment, await vault.UnsealAsync(m.Attachment.FileName, MediaStore.Record(m.Attachment.AttachmentId), ct))
                    : new FileRef(m.Attachment.AttachmentId, m.Attachment.ContentType, m.Attachment.Size, null, null);
                media.Add(new StoryAppearanceMedia(file, tagged, m.TaggedStudentIds.Count(s => s != studentId)));
            }

            content.Add(StoriesKind, new StoryAppearance(post.PostId, post.Kind, Provenance.CreatedByStaff, "teacher", post.PostedAt,
                await vault.UnsealAsync(post.Text, post.PostId.ToString(), ct), media));
        }
    }

    private async Task PortfolioAsync(IQuerySession session, Guid studentId, ExportContent content, CancellationToken ct)
    {
        var items = await session.Query<PortfolioItem>().Where(i => i.StudentId == studentId).OrderBy(i => i.AddedAt).ToListAsync(ct);
        foreach (var item in items)
        {
            var byStudent = item.AuthorRole == PortfolioRoles.Student;
            var file = item.Attachment is { } a ? content.File(a, await vault.UnsealAsync(a.FileName, MediaStore.Record(a.AttachmentId), ct)) : null;
            var comments = new List<PortfolioExportComment>();
            foreach (var c in item.Comments)
            {
                var own = c.AuthorRole == PortfolioRoles.Student;
                comments.Add(new PortfolioExportComment(c.CommentId, own ? Provenance.ProvidedBySubject : Provenance.CreatedByStaff, own ? "you" : "teacher", c.At,
                    await vault.UnsealAsync(c.Text, c.CommentId.ToString(), ct)));
            }

            content.Add(PortfolioKind, new PortfolioExportItem(item.Id, item.Kind, byStudent ? Provenance.ProvidedBySubject : Provenance.CreatedByStaff,
                byStudent ? "you" : "teacher", item.AddedAt, item.Approved, await vault.UnsealAsync(item.Text, item.Id.ToString(), ct), file, comments));
        }
    }

    /// <summary>
    /// A student's consent history (given by them, or by a guardian on their behalf: provided by the subject; from a paper form recorded by
    /// staff: the form came from the family too), or the consents a guardian gave or withdrew for their children.
    /// </summary>
    private async Task ConsentsAsync(IQuerySession session, Guid subject, bool byGuardian, ExportContent content, CancellationToken ct)
    {
        var given = byGuardian
            ? await session.Events.QueryRawEventDataOnly<ConsentGiven>().Where(e => e.RecordedBy == subject).ToListAsync(ct)
            : await session.Events.QueryRawEventDataOnly<ConsentGiven>().Where(e => e.StudentId == subject).ToListAsync(ct);
        var withdrawn = byGuardian
            ? await session.Events.QueryRawEventDataOnly<ConsentWithdrawn>().Where(e => e.RecordedBy == subject).ToListAsync(ct)
            : await session.Events.QueryRawEventDataOnly<ConsentWithdrawn>().Where(e => e.StudentId == subject).ToListAsync(ct);
        var changes = given.Select(g => (g.Purpose, Given: true, g.Source, g.RecordedBy, g.Evidence, g.At, g.StudentId))
            .Concat(withdrawn.Select(w => (w.Purpose, Given: false, w.Source, w.RecordedBy, w.Evidence, w.At, w.StudentId)))
            .OrderBy(c => c.At);
        foreach (var c in changes)
        {
            var recordedBy = c.RecordedBy == subject ? "you" : c.Source switch
            {
                ConsentSource.Guardian => "guardian",
                ConsentSource.Student => "student",
                _ => "staff",
            };
            content.Add(ConsentsKind, new ConsentItem(c.Purpose, c.Given, c.Source.ToString(), recordedBy, Provenance.ProvidedBySubject, c.At,
                byGuardian ? c.StudentId : null, byGuardian ? null : await vault.UnsealAsync(c.Evidence, ct)));
        }
    }

    private async Task AccountProfileAsync(IQuerySession session, Guid membershipId, ExportContent content, CancellationToken ct)
    {
        var account = await session.LoadAsync<UserAccount>(membershipId, ct);
        if (account is null) return;
        var own = account.Role == Role.Guardian ? Provenance.ProvidedBySubject : Provenance.CreatedByStaff;
        content.SubjectName = await vault.UnsealAsync(account.Name, ct);
        content.Add(ProfileKind, new ProfileField("role", RoleOf(account.Role), Provenance.CreatedByStaff));
        content.Add(ProfileKind, new ProfileField("name", content.SubjectName, own));
        var login = await session.LoadAsync<LoginAccount>(account.LoginId, ct);
        if (login?.Email is not null) content.Add(ProfileKind, new ProfileField("email", await vault.UnsealAsync(login.Email, ct), Provenance.ProvidedBySubject));
        content.Add(ProfileKind, new ProfileField("memberSince", account.CreatedAt.ToString("O"), Provenance.CreatedByStaff));
    }

    private static async Task GuardianLinksAsync(IQuerySession session, Guid guardianId, ExportContent content, CancellationToken ct)
    {
        var students = await session.Query<Student>().Where(s => s.GuardianIds.Contains(guardianId)).ToListAsync(ct);
        foreach (var student in students)
        {
            var link = student.Guardians.First(g => g.GuardianId == guardianId);
            content.Add(LinksKind, new LinkItem("child", student.Id, Provenance.ProvidedBySubject, link.LinkedAt, link.Restricted));
        }
    }

    private async Task StoryContributionsAsync(IQuerySession session, Guid personId, ExportContent content, CancellationToken ct)
    {
        foreach (var c in await session.Query<StoryComment>().Where(c => c.AuthorId == personId).ToListAsync(ct))
        {
            content.Add(ContributionsKind, new StoryContributionItem(c.PostId, "comment", c.CommentId, Provenance.ProvidedBySubject, c.At,
                await vault.UnsealAsync(c.Body, c.CommentId.ToString(), ct), c.Hidden));
        }

        foreach (var c in await session.Query<PendingStoryComment>().Where(c => c.AuthorId == personId).ToListAsync(ct))
        {
            content.Add(ContributionsKind, new StoryContributionItem(c.PostId, "pendingComment", c.Id, Provenance.ProvidedBySubject, c.At,
                await vault.UnsealAsync(c.Body, c.Id.ToString(), ct), false));
        }

        foreach (var like in await session.Query<StoryLike>().Where(l => l.PersonId == personId).ToListAsync(ct))
        {
            content.Add(ContributionsKind, new StoryContributionItem(like.PostId, "like", null, Provenance.ProvidedBySubject, like.At, null, false));
        }
    }

    /// <summary>A member of staff: the messages they sent (their own words), the story posts they wrote, the points they gave (ids and facts only).</summary>
    private async Task StaffItemsAsync(IQuerySession session, Guid staffId, ExportContent content, CancellationToken ct)
    {
        var sent = await session.Query<MessageView>().Where(m => m.SenderId == staffId).OrderBy(m => m.PostedAt).ToListAsync(ct);
        var kinds = (await session.LoadManyAsync<Conversation>(ct, sent.Select(m => m.ConversationId).Distinct())).ToDictionary(c => c.Id, c => c.Kind);
        foreach (var (view, item) in sent.Zip(await messages.ReadAsync(session, staffId, sent, ct)))
        {
            var attachments = item.Attachments.Select(a => content.File(view.Attachments.First(r => r.AttachmentId == a.AttachmentId), a.FileName)).ToList();
            content.Add(MessagesKind, new MessageExportItem(item.MessageId, view.ConversationId, kinds.GetValueOrDefault(view.ConversationId, ""),
                Provenance.ProvidedBySubject, "you", item.PostedAt, item.Text, item.Withdrawn, item.Erased, attachments));
        }

        foreach (var post in await session.Query<StoryPostView>().Where(p => p.AuthorId == staffId).OrderBy(p => p.PostedAt).ToListAsync(ct))
        {
            content.Add(StoriesKind, new StoryAppearance(post.PostId, post.Kind, Provenance.ProvidedBySubject, "you", post.PostedAt,
                await vault.UnsealAsync(post.Text, post.PostId.ToString(), ct), []));
        }

        foreach (var p in await session.Query<PointEntry>().Where(p => p.AwardedBy == staffId).OrderBy(p => p.AwardedAt).ToListAsync(ct))
        {
            content.Add(PointsKind, new PointItem(p.Id, Provenance.ProvidedBySubject, "you", p.AwardedAt, null, p.Positive, p.Value, null, p.RemovedAt));
        }
    }

    /// <summary>
    /// A member of staff's comments on portfolio items (as they read now; deleted ones are gone), and the items they approved or rejected
    /// (the act and its time; a rejection's reason is not included). Item ids only: the student is not named.
    /// </summary>
    private async Task PortfolioActionsAsync(IQuerySession session, Guid staffId, ExportContent content, CancellationToken ct)
    {
        var commented = await session.Events.QueryRawEventDataOnly<PortfolioCommentAdded>().Where(e => e.AuthorId == staffId).Select(e => e.ItemId)
            .ToListAsync(ct);
        var actions = new List<PortfolioActionItem>();
        foreach (var item in await session.LoadManyAsync<PortfolioItem>(ct, commented.Distinct()))
        {
            foreach (var c in item.Comments.Where(c => c.AuthorId == staffId))
            {
                actions.Add(new PortfolioActionItem(item.Id, "comment", c.CommentId, Provenance.ProvidedBySubject, c.At,
                    await vault.UnsealAsync(c.Text, c.CommentId.ToString(), ct)));
            }
        }

        foreach (var a in await session.Events.QueryRawEventDataOnly<PortfolioItemApproved>().Where(e => e.ApprovedBy == staffId).ToListAsync(ct))
            actions.Add(new PortfolioActionItem(a.ItemId, "approved", null, Provenance.ProvidedBySubject, a.At, null));
        foreach (var r in await session.Events.QueryRawEventDataOnly<PortfolioItemRejected>().Where(e => e.RejectedBy == staffId).ToListAsync(ct))
            actions.Add(new PortfolioActionItem(r.ItemId, "rejected", null, Provenance.ProvidedBySubject, r.At, null));
        foreach (var a in actions.OrderBy(a => a.At)) content.Add(PortfolioActionsKind, a);
    }

    /// <summary>
    /// A member of staff's own reads of students' data (the access log, <see cref="AccessLogQueries.PageAsync"/> by reader), oldest first: when
    /// and what kind. Which student (and which item of theirs) is another person's data, so it is left out: each entry counts one read.
    /// </summary>
    private async Task OwnReadsAsync(IQuerySession session, Guid staffId, ExportContent content, CancellationToken ct)
    {
        var (entries, _) = await AccessLogQueries.PageAsync(session, vault, new AccessLogFilter(ReaderId: staffId), null, int.MaxValue - 1,
            newestFirst: false, ct);
        foreach (var e in entries)
        {
            content.Add(AccessLogKind, new AccessLogExportItem(e.EntryId, Provenance.CreatedByStaff, "you", e.At, e.Shredded ? null : e.Kind, null, e.Shredded));
        }
    }

    public static string RoleOf(Role role) => role switch
    {
        Role.Guardian => "guardian",
        Role.Student => "student",
        Role.Dpo => "staff",
        Role.Leader => "staff",
        _ => "teacher",
    };
}
