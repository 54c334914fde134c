namespace ClassComms.PersonalData;

/// <summary>
/// A personal value sealed with its data subject's own key (AES-256-GCM). This is the only shape in
/// which personal data is ever stored in an event or document. <see cref="Data"/> is
/// base64(version | nonce | tag | ciphertext); the associated data binds <see cref="Subject"/> and
/// <see cref="Field"/>, so a sealed value cannot be moved to another person or another field.
/// Once the subject's key is destroyed the value is unreadable everywhere, backups included.
/// </summary>
public sealed record Sealed(Guid Subject, string Field, string Data);

/// <summary>Thrown when personal data would be written for a subject whose key was destroyed.</summary>
public sealed class SubjectErasedException(Guid subject)
    : InvalidOperationException($"Data subject {subject} has been erased; no personal data may be written for it.")
{
    public Guid Subject { get; } = subject;
}
