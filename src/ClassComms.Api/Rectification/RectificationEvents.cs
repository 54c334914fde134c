using ClassComms.PersonalData;

namespace ClassComms.Rectification;

// Rectification (GDPR art. 16, Law 25 s. 28): a corrected value replaces the one read everywhere; the previous value stays in the
// event, sealed for the same data subject, so the history shows what was corrected, by whom and when, until the subject is erased.

/// <summary>A student's name was corrected (on the student's stream). <paramref name="Previous"/> is the name read until then.</summary>
public sealed record StudentNameRectified(Guid StudentId, Guid RectifiedBy, Sealed? Previous, Sealed Name, DateTimeOffset At);

/// <summary>
/// A member's name (guardian or staff) was corrected, on the member's own stream (stream id = the membership id, as the guardian's
/// stream of <c>ClassMuted</c>). <paramref name="Previous"/> is the name read until then, sealed under the membership's key.
/// </summary>
public sealed record MemberNameRectified(Guid MemberId, Guid RectifiedBy, Sealed? Previous, Sealed Name, DateTimeOffset At);

/// <summary>
/// A login's e-mail was corrected, on the login's own stream (stream id = the login id, tenant <c>platform</c>: a login belongs to
/// no school). Both values are sealed under the login's own key, as <c>LoginAccount.Email</c> is. <paramref name="RectifiedBy"/> is
/// the membership that asked (the person or a DPO), in <paramref name="SchoolId"/>; the person confirmed it, signed in, with the
/// token mailed to the new address (<paramref name="BySelf"/> is false when a DPO asked).
/// </summary>
public sealed record LoginEmailRectified(Guid LoginId, Guid RectifiedBy, Guid SchoolId, bool BySelf, Sealed? Previous, Sealed Email, DateTimeOffset At);

public static class RectificationRules
{
    public const int MaxNameLength = 200;
    public const int MaxStudentNameLength = 100;
}
