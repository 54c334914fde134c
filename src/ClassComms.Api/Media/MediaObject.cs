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

    public AttachmentRef ToRef() => new(Id, Kind, ContentType, Size, Width, Height, FileName);
}
