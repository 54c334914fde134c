using ClassComms.PersonalData;

namespace ClassComms.Media;

/// <summary>An attachment as carried by a message: the file name is personal data and stays sealed.</summary>
public sealed record AttachmentRef(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height, Sealed FileName);
