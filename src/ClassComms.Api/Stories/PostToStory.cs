using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

/// <summary>
/// A media item of a new post: an upload to this story (<see cref="UploadStoryMediaEndpoint"/>), the students who appear in it
/// (<c>taggedStudentIds</c>: each needs the story's consent) and those the author excluded or blurred (<c>excludedStudentIds</c>:
/// no consent needed).
/// </summary>
public sealed record StoryMediaRequest(Guid AttachmentId, IReadOnlyList<Guid>? TaggedStudentIds, IReadOnlyList<Guid>? ExcludedStudentIds);

/// <summary>A post: text and/or media; <c>commentsNeedApproval</c> holds guardians' comments until staff approve them.</summary>
public sealed record PostToStory(string? Text, IReadOnlyList<StoryMediaRequest>? Media, bool CommentsNeedApproval);

public sealed record StoryPostAccepted(Guid PostId, Guid StoryId);

/// <summary>A media item refused for want of consent: which item, which student, which consent.</summary>
public sealed record MissingConsent(int MediaIndex, Guid AttachmentId, Guid StudentId, string Purpose);

/// <summary>
/// Teachers post to their Class Story, leaders to the School Story. Decides before it stages: the request, the story, every
/// attachment and every student (in the story's class or school, consent for the story's kind) are checked before anything is
/// claimed, sealed or appended, so a refused post commits nothing. A withdrawn consent racing the post is safe: the students'
/// locks (<see cref="StoryLocks"/>) are taken before their consents are read.
/// </summary>
public static class PostToStoryEndpoint
{
    public const int MaxTextLength = 4000;
    public const int MaxMedia = 10;

    /// <summary>Post to a story (a class id: its Class Story; the school id: the School Story) with media uploaded to it beforehand.</summary>
    /// <remarks>
    /// 409 when a media item tags a student without the consent the story needs (<c>classStoryMedia</c> or <c>schoolStoryMedia</c>):
    /// the problem's <c>missingConsents</c> names each item (index and attachment id) and student id. Untag the student, list them in
    /// <c>excludedStudentIds</c> (excluded or blurred in that item), or leave the item out.
    /// </remarks>
    [ProducesResponseType<StoryPostAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/stories/{storyId}/posts")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid storyId, PostToStory request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, MediaStore mediaStore, TimeProvider clock, CancellationToken ct)
    {
        var validation = RequestProblems(request);
        if (!validation.IsValid) return (validation.ToResult(), []);
        var (story, problem) = await StoryAccess.WritableAsync(session, caller, storyId, ct);
        if (problem is not null) return (problem, []);

        var items = request.Media ?? [];
        var studentIds = items.SelectMany(m => (m.TaggedStudentIds ?? []).Concat(m.ExcludedStudentIds ?? [])).Distinct().ToList();
        // Locks first (attachments, then students), then the reads they protect: see AttachmentLocks and StoryLocks.
        await AttachmentLocks.SerialiseAsync(session, items.Select(m => m.AttachmentId), ct);
        await StoryLocks.StudentsAsync(session, studentIds, ct);
        var batch = session.CreateBatchQuery();
        var mediaLoad = batch.LoadMany<MediaObject>().ById(items.Select(m => m.AttachmentId).ToArray());
        var studentsLoad = batch.LoadMany<Student>().ById(studentIds.ToArray());
        var frozenLoad = batch.LoadMany<ProcessingRestriction.SubjectRestriction>().ById(studentIds.ToArray());
        await batch.Execute(ct);
        var media = (await mediaLoad).ToDictionary(m => m.Id);
        var students = (await studentsLoad).ToDictionary(s => s.Id);

        problem = Decide(caller, story!, items, media, students) ?? FrozenTag(items, (await frozenLoad).Select(r => r.Id).ToHashSet());
        if (problem is not null) return (problem, []);

        var postId = Guid.CreateVersion7();
        var posted = new List<StoryMedia>();
        foreach (var item in items)
        {
            var stored = media[item.AttachmentId];
            var tagged = (item.TaggedStudentIds ?? []).Distinct().ToList();
            await mediaStore.ResealAsync(caller.Tenant, stored, [caller.UserId, .. tagged], ct);
            stored.StoryPostId = postId;
            session.Store(stored);
            posted.Add(new StoryMedia(stored.ToRef(), tagged, (item.ExcludedStudentIds ?? []).Distinct().ToList()));
        }

        var text = await vault.SealForAllAsync(caller.Tenant, [caller.UserId, caller.SchoolId], StoryText.Field, postId.ToString(), (request.Text ?? "").Trim(), ct);
        session.Events.StartStream(postId, new StoryPostPublished(postId, caller.UserId, story!.Id, story.Kind, text, posted, request.CommentsNeedApproval,
            clock.GetUtcNow()));
        return (Results.Created($"/api/stories/{story.Id}/posts", new StoryPostAccepted(postId, story.Id)),
            new OutgoingMessages { new StoryPostChanged(caller.SchoolId, postId) });
    }

    /// <summary>The request alone (not named Validate: Wolverine would also run a method of that name as middleware).</summary>
    /// <summary>
    /// 409 naming the first media item that tags a student whose processing the DPO restricted (a new photo of them is new processing);
    /// listing them as excluded (blurred) is allowed. Null when none does.
    /// </summary>
    public static IResult? FrozenTag(IReadOnlyList<StoryMediaRequest> items, IReadOnlySet<Guid> frozen)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if ((items[i].TaggedStudentIds ?? []).FirstOrDefault(frozen.Contains) is var id && id != Guid.Empty)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Processing restricted.",
                    detail: $"Media item {i} ({items[i].AttachmentId}) tags student {id}, whose processing the school's DPO has restricted."
                            + " Mark them excluded (blurred) in that item or leave the item out.",
                    extensions: new Dictionary<string, object?> { ["mediaIndex"] = i, ["studentId"] = id });
            }
        }

        return null;
    }

    public static Validation RequestProblems(PostToStory request)
    {
        var validation = new Validation();
        var items = request.Media ?? [];
        if (string.IsNullOrWhiteSpace(request.Text) && items.Count == 0) validation.Add("text", "is required when there is no media.");
        validation.Optional(request.Text, "text", MaxTextLength);
        if (items.Count > MaxMedia) validation.Add("media", $"must list at most {MaxMedia} items.");
        if (items.Select(m => m.AttachmentId).Distinct().Count() != items.Count) validation.Add("media", "must not repeat an attachment.");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null) { validation.Add($"media[{i}]", "is required."); continue; }
            if (item.AttachmentId == Guid.Empty) validation.Add($"media[{i}].attachmentId", "is required.");
            var tagged = item.TaggedStudentIds ?? [];
            var excluded = item.ExcludedStudentIds ?? [];
            if (tagged.Contains(Guid.Empty)) validation.Add($"media[{i}].taggedStudentIds", "must not contain an empty id.");
            if (excluded.Contains(Guid.Empty)) validation.Add($"media[{i}].excludedStudentIds", "must not contain an empty id.");
            if (tagged.Intersect(excluded).Any()) validation.Add($"media[{i}].excludedStudentIds", "must not list a student who is also tagged.");
            if (tagged.Count + excluded.Count > 100) validation.Add($"media[{i}].taggedStudentIds", "must list at most 100 students.");
        }

        return validation;
    }

    /// <summary>
    /// The pure decision on what was loaded: every attachment the caller's own upload to this story, never posted (400, 409);
    /// every student in the story's class (or school) and not erased (400); every tagged student with the story's consent
    /// (409 naming each item and student). Null when the post may go ahead.
    /// </summary>
    public static IResult? Decide(Caller caller, StoryRef story, IReadOnlyList<StoryMediaRequest> items, IReadOnlyDictionary<Guid, MediaObject> media,
        IReadOnlyDictionary<Guid, Student> students)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!media.TryGetValue(item.AttachmentId, out var stored) || stored.UploadedBy != caller.UserId || stored.StoryId != story.Id
                || stored.DeletedAt is not null)
            {
                return Problems.Invalid($"media[{i}].attachmentId", "is not an upload of yours to this story.");
            }

            if (stored.IsClaimed()) return Problems.Conflict($"Media item {i} was already posted or sent.");
            if (stored.Kind is not (ContentSniffer.Image or ContentSniffer.Video)) return Problems.Invalid($"media[{i}].attachmentId", "must be a photo or a video.");
            foreach (var (field, ids) in new[] { ("taggedStudentIds", item.TaggedStudentIds ?? []), ("excludedStudentIds", item.ExcludedStudentIds ?? []) })
            {
                foreach (var id in ids)
                {
                    if (!students.TryGetValue(id, out var student) || student.Erased || (story.Kind == StoryKinds.Class && student.ClassId != story.Id))
                    {
                        return Problems.Invalid($"media[{i}].{field}",
                            story.Kind == StoryKinds.Class ? "contains a student who is not in this class." : "contains a student who is not in this school.");
                    }
                }
            }
        }

        var purpose = StoryKinds.ConsentPurpose(story.Kind);
        var missing = items.SelectMany((item, i) => (item.TaggedStudentIds ?? []).Distinct()
                .Where(s => !students[s].HasConsent(purpose))
                .Select(s => new MissingConsent(i, item.AttachmentId, s, purpose)))
            .ToList();
        if (missing.Count == 0) return null;
        var first = missing[0];
        return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Consent missing.",
            detail: $"Media item {first.MediaIndex} ({first.AttachmentId}) tags student {first.StudentId}, who has no '{purpose}' consent"
                    + (missing.Count > 1 ? $" ({missing.Count} such tags in all, see missingConsents)" : "")
                    + ". Untag the student, mark them excluded (blurred) in that item, or leave the item out.",
            extensions: new Dictionary<string, object?> { ["missingConsents"] = missing });
    }
}

/// <summary>Story text is sealed for its author and the school, bound to its post (record = post id).</summary>
public static class StoryText
{
    public const string Field = "story.text";
}
