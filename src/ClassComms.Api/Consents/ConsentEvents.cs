using ClassComms.PersonalData;

namespace ClassComms.Consents;

// Consent events live on the student's stream (stream id = student id), so the student snapshot always holds the current
// consents and a post that needs one can check it against the stream version it read.

/// <summary>What a consent is for. Default for every purpose is no consent.</summary>
public static class ConsentPurposes
{
    /// <summary>Photos and videos in which the student appears, in their Class Story.</summary>
    public const string ClassStoryMedia = "classStoryMedia";

    /// <summary>Photos and videos in which the student appears, in the School Story.</summary>
    public const string SchoolStoryMedia = "schoolStoryMedia";

    /// <summary>Sharing the student's portfolio with their linked, unrestricted guardians.</summary>
    public const string PortfolioSharing = "portfolioSharing";

    public static readonly IReadOnlyList<string> All = [ClassStoryMedia, SchoolStoryMedia, PortfolioSharing];

    public static bool IsKnown(string? purpose) => purpose is not null && All.Contains(purpose);
}

/// <summary>How a consent change reached the school.</summary>
public enum ConsentSource
{
    /// <summary>A linked, unrestricted guardian in the app.</summary>
    Guardian,

    /// <summary>Recorded by staff from a paper form (<see cref="ConsentGiven.Evidence"/> says which, sealed for the student).</summary>
    PaperForm,

    /// <summary>The student themself, from their age of consent on.</summary>
    Student,
}

/// <summary>Consent for one purpose was given. <paramref name="RecordedBy"/> is the membership that acted (guardian, staff, student).</summary>
public sealed record ConsentGiven(Guid StudentId, string Purpose, Guid RecordedBy, ConsentSource Source, Sealed? Evidence, DateTimeOffset At);

/// <summary>Consent for one purpose was withdrawn: from now on nothing needing it is shown (past items included).</summary>
public sealed record ConsentWithdrawn(Guid StudentId, string Purpose, Guid RecordedBy, ConsentSource Source, Sealed? Evidence, DateTimeOffset At);

/// <summary>
/// Staff recorded the student's date of birth (personal data: <paramref name="BirthDate"/> is the ISO date <c>yyyy-MM-dd</c>, sealed
/// for the student). It decides when the student reaches the age of consent of the school's jurisdiction.
/// </summary>
public sealed record StudentBirthDateRecorded(Guid StudentId, Guid RecordedBy, Sealed BirthDate, DateTimeOffset At);

/// <summary>
/// The student reached the age of consent of the school's jurisdiction (<see cref="AgeOfConsent"/>): from now on their own consent
/// counts and their guardians' changes are refused. <paramref name="Reasked"/> are the consents given before that birthday, which
/// stay in force until the student confirms (gives again) or withdraws them. Appended by the age-of-consent step
/// (<see cref="ReachAgeOfConsentHandler"/>), once.
/// </summary>
public sealed record StudentReachedAgeOfConsent(Guid StudentId, string Jurisdiction, int AgeOfConsent, IReadOnlyList<string> Reasked,
    DateTimeOffset At);
