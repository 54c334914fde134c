using ClassComms.PersonalData;

namespace ClassComms.Media;

/// <summary>
/// An uploaded attachment. Its bytes live encrypted in Blob Storage under a random content key; that key
/// is sealed in layers for <see cref="Subjects"/> (the sender, and the students the conversation is about),
/// so erasing any of them makes the blob unreadable. The blob is also deleted on erasure.
/// </summary>
public sealed class MediaObject
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid UploadedBy { get; set; }
    public Guid? MessageId { get; set; }

    /// <summary>The story an upload for a story post went into (a class id or the school id); null for conversation attachments.</summary>
    public Guid? StoryId { get; set; }

    /// <summary>The story post that holds it, once posted (<see cref="Stories.PostToStoryEndpoint"/>).</summary>
    public Guid? StoryPostId { get; set; }

    /// <summary>The student whose portfolio the media was uploaded for (Portfolios/), with no conversation; null for a message's.</summary>
    public Guid? PortfolioStudentId { get; set; }

    /// <summary>The portfolio item that claimed it (as <see cref="MessageId"/> for a message); null until then.</summary>
    public Guid? PortfolioItemId { get; set; }
    public string Kind { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public Sealed FileName { get; set; } = null!;
    public string ContentKey { get; set; } = "";
    public List<Guid> Subjects { get; set; } = [];
    public string BlobName { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Sent in a message or posted in a story: no longer the uploader's alone, and never expired.</summary>
    public bool IsClaimed() => MessageId is not null || StoryPostId is not null || PortfolioItemId is not null;

    public AttachmentRef ToRef() => new(Id, Kind, ContentType, Size, Width, Height, FileName);
}
