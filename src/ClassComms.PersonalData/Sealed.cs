namespace ClassComms.PersonalData;

/// <summary>
/// A personal value sealed with its data subject's own key (AES-256-GCM). This is the only shape in
/// which personal data is ever stored in an event or document. <see cref="Data"/> is
/// base64(version | nonce | tag | ciphertext); the associated data binds <see cref="Subject"/> and
/// <see cref="Field"/>, so a sealed value cannot be moved to another person or another field.
/// Once the subject's key is destroyed the value is unreadable everywhere, backups included.
/// </summary>
/// <remarks>
/// A value about several people (a message about a student, sent by a parent) is sealed in layers, one per
/// subject: <see cref="Subject"/> and every id in <see cref="Also"/>. Erasing any one of them shreds it.
/// </remarks>
public sealed record Sealed(Guid Subject, string Field, string Data, IReadOnlyList<Guid>? Also = null)
{
    public IEnumerable<Guid> Subjects => Also is null ? [Subject] : [Subject, .. Also];
}

/// <summary>Thrown when personal data would be written for a subject whose key was destroyed.</summary>
public sealed class SubjectErasedException(Guid subject)
    : InvalidOperationException($"Data subject {subject} has been erased; no personal data may be written for it.")
{
    public Guid Subject { get; } = subject;
}
