using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Consents;
using ClassComms.Conversations;
using ClassComms.ErasureRequests;
using ClassComms.Guardians;
using ClassComms.Incidents;
using ClassComms.Media;
using ClassComms.Points;
using ClassComms.Portfolios;
using ClassComms.Rectification;
using ClassComms.Schools;
using ClassComms.Stories;
using ClassComms.Students;

namespace ClassComms.ProcessingRecord;

/// <summary>Why the school processes a kind of data (GDPR art. 30(1)(b)) and how long it keeps it (art. 30(1)(f)).</summary>
public sealed record Purpose(string Code, string Description, string Retention);

/// <summary>
/// What the code cannot know by itself about a stored type holding personal data: whose data it is, why it is processed, and under
/// whose key its sealed fields are. The kinds of personal data (the sealed fields) and where the type is stored are read from the
/// code (<see cref="ProcessingRecordGenerator"/>). Every type of the assembly with a sealed field must be described here: a test
/// fails otherwise (<c>ProcessingRecord/when_generating_the_record_of_processing.cs</c>), so the record cannot drift from the code.
/// </summary>
public sealed record TypeDescription(Type Type, string Subjects, string PurposeCode, string Key);

public static class ProcessingCatalogue
{
    private const string UntilErased = "until the data subject is erased (their key destroyed: every copy, backups included, unreadable) or the school leaves";

    public static readonly IReadOnlyList<Purpose> Purposes =
    [
        new("schooling", "Organising classes and enrolments (class and skill names, students' names).", UntilErased),
        new("feedback", "Feedback points given to students, seen by them and their guardians.",
            UntilErased + "; the DPIA sets 12 months for points (retention policies, where built, shred a period's keys)"),
        new("communication", "Messages and announcements between staff and families, with attachments.", UntilErased),
        new("accounts", "Signing in and belonging to a school (names, e-mail addresses, invitations and registrations awaiting confirmation).",
            UntilErased + "; unconfirmed registrations and invitations are deleted with their key when they expire"),
        new("consent", "Recording consents (and the paper forms), dates of birth and the age of consent.", UntilErased),
        new("stories", "The Class Story and School Story: posts, comments, photos and videos, shown with consent.", UntilErased),
        new("portfolio", "The student's portfolio: journal items, comments, attachments.", UntilErased),
        new("governance", "The DPO's duties: the confidentiality incident register, rectification history.",
            "incident text: until the school leaves (school key); rectification history: " + UntilErased),
    ];

    private const string Student = "students";
    private const string Member = "guardians and staff (members of the school)";
    private const string StudentKey = "the student's key";
    private const string MemberKey = "the membership's key";
    private const string SchoolKey = "the school's key (school text)";

    public static readonly IReadOnlyList<TypeDescription> Types =
    [
        // Schools, classes, students.
        new(typeof(School), "the school (its name can name people)", "schooling", SchoolKey),
        new(typeof(ClassCreated), "students named in class or skill names", "schooling", SchoolKey),
        new(typeof(ClassSkill), "students named in skill names", "schooling", SchoolKey),
        new(typeof(SchoolClass), "students named in class or skill names", "schooling", SchoolKey),
        new(typeof(SkillAdded), "students named in skill names", "schooling", SchoolKey),
        new(typeof(StudentEnrolled), Student, "schooling", StudentKey),
        new(typeof(Student), Student, "schooling", StudentKey),
        new(typeof(StudentNameRectified), Student, "governance", StudentKey),
        new(typeof(MemberNameRectified), Member, "governance", MemberKey),
        new(typeof(LoginEmailRectified), "people who sign in", "governance", "the login's own key (previous and new e-mail)"),

        // Points.
        new(typeof(PointAwarded), Student, "feedback", StudentKey + " (note, per period); the school's key (skill name)"),
        new(typeof(PointEntry), Student, "feedback", StudentKey + " (note, per period); the school's key (skill name)"),
        new(typeof(StoredSkillTally), "students named in skill names", "feedback", SchoolKey),
        new(typeof(StoredClassSummary), "students named in skill names (no student ids)", "feedback", SchoolKey),
        new(typeof(FeedEntry), Student, "feedback", StudentKey + " (note); the school's key (skill name)"),

        // Accounts.
        new(typeof(UserAccount), Member + " and student accounts", "accounts", MemberKey + " (name)"),
        new(typeof(LoginAccount), "people who sign in", "accounts", "the login's own key (e-mail); found by a keyed blind index"),
        new(typeof(StaffInvitation), "invited staff", "accounts", "the future membership's key"),
        new(typeof(PendingRegistration), "registering guardians", "accounts", "the future membership's key"),
        new(typeof(EmailChange), "people correcting their login e-mail", "accounts",
            "the login's own key (new e-mail; the previous one until the notice to it has left); deleted when confirmed and noticed, or at expiry"),
        new(typeof(StudentAccounts.StudentRegistration), "students registering themselves with a class code", "accounts", "the key of the student id reserved for them (destroyed when refused or expired)"),

        // Conversations and media.
        new(typeof(MessagePosted), Member + ", students the message is about", "communication", "layers: the sender's and every student's key"),
        new(typeof(MessageView), Member + ", students the message is about", "communication", "layers: the sender's and every student's key"),
        new(typeof(AttachmentRef), Member + ", students", "communication", "as the message or post holding it"),
        new(typeof(MediaObject), Member + ", students", "communication", "the uploader's and the students' keys"),

        // Consents.
        new(typeof(ConsentGiven), Student + " and their guardians (paper form evidence)", "consent", StudentKey),
        new(typeof(ConsentWithdrawn), Student + " and their guardians (paper form evidence)", "consent", StudentKey),
        new(typeof(StudentBirthDateRecorded), Student, "consent", StudentKey),

        // Stories.
        new(typeof(StoryPostPublished), "staff authors, students tagged or named", "stories", "the author's key and the school's key"),
        new(typeof(StoryPostEdited), "staff authors, students named", "stories", "the author's key and the school's key"),
        new(typeof(StoryMedia), "students tagged in a photo or video", "stories", "as the post holding it"),
        new(typeof(StoryPostView), "staff authors, students tagged or named", "stories", "the author's key and the school's key"),
        new(typeof(StoryCommentAdded), "comment authors (guardians, staff)", "stories", "the author's key and the school's key"),
        new(typeof(StoryComment), "comment authors (guardians, staff)", "stories", "the author's key and the school's key"),
        new(typeof(PendingStoryComment), "comment authors (guardians, staff)", "stories", "the author's key and the school's key"),

        // Portfolios.
        new(typeof(PortfolioItemAdded), Student, "portfolio", StudentKey),
        new(typeof(PortfolioCommentAdded), Student + ", comment authors", "portfolio", StudentKey),
        new(typeof(PortfolioCommentEdited), Student + ", comment authors", "portfolio", StudentKey),
        new(typeof(PortfolioComment), Student + ", comment authors", "portfolio", StudentKey),
        new(typeof(PortfolioItem), Student, "portfolio", StudentKey),
        new(typeof(PortfolioItemEdited), Student, "portfolio", StudentKey),
        new(typeof(PortfolioItemRejected), Student, "portfolio", StudentKey),

        // Subject access exports (the ZIP itself is in Blob Storage, encrypted under a content key sealed for the subject).
        new(typeof(Exports.ExportDeadlineExtended), "the data subject of an export request (the reason for extending its deadline)", "governance",
            "the subject's key (student or membership)"),

        // Incidents.
        new(typeof(IncidentRecorded), "people affected by an incident (by id), people named in its text", "governance", SchoolKey),
        new(typeof(IncidentMeasuresRecorded), "people named in the text", "governance", SchoolKey),
        new(typeof(IncidentCorrected), "people affected by an incident (by id), people named in its text", "governance", SchoolKey),
        new(typeof(IncidentRiskAssessed), "people named in the text", "governance", SchoolKey),
        new(typeof(IncidentAuthorityNotified), "people named in the reference", "governance", SchoolKey),
        new(typeof(Incident), "people affected by an incident (by id), people named in its text", "governance", SchoolKey),
        new(typeof(RiskAssessment), "people named in the text", "governance", SchoolKey),
        new(typeof(AuthorityNotification), "people named in the reference", "governance", SchoolKey),

        // Erasure requests (notes: free text of the requester or the DPO, sealed for the person to be erased).
        new(typeof(ErasureRequestReceived), "the person to be erased (students, guardians, staff; the school for a school's request)", "governance",
            "the subject's key (the school's key for a school)"),
        new(typeof(ErasureRequestExtended), "the person to be erased", "governance", "the subject's key (the school's key for a school)"),
        new(typeof(ErasureRequestRefused), "the person to be erased", "governance", "the subject's key (the school's key for a school)"),
        new(typeof(ErasureRequest), "the person to be erased", "governance", "the subject's key (the school's key for a school)"),
    ];

    /// <summary>
    /// Types holding sealed values in memory only, during one request's decision or one projection batch (never stored themselves): they
    /// are left out of the record, and a new one must be listed here or described above.
    /// </summary>
    public static readonly IReadOnlyList<Type> NotStored = [typeof(ConsentContext), typeof(AwardTarget), typeof(StoryRef), typeof(Stories.StoryProjection.Batch)];

    /// <summary>
    /// Tables outside Marten's documents and event store (<c>mt_*</c>, described above by type) and Wolverine's message tables
    /// (<c>wolverine_*</c>, ids only): written by the code that names them. A test compares this list with the database's tables,
    /// so a new table cannot be left out of the record.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string What, string Subjects, string Key, string Retention)> Tables =
    [
        ("classcomms.access_log", "every staff read of a student's data: the reader's membership id, role, what and which item, when; the details sealed; hash-chained per school",
            "students whose data was read; staff who read it (by membership id)", StudentKey + " (details)",
            "the school's access-log period (36 months by default), then removed behind a signed anchor; details unreadable once the student is erased"),
        ("classcomms.access_log_anchor", "where a school's access-log chain starts after a retention run: entry number, hash, count removed, the school's signature",
            "none (no personal data)", "none", "replaced by the next retention run"),
        ("classcomms.feed_heads", "one lock row per reader of a feed: ids and a counter", "none (no personal data)", "none", "kept"),
        ("classcomms.read_heads", "cursor counters per reader or conversation: ids and numbers", "none (no personal data)", "none", "kept"),
        ("classcomms.login_throttle", "failed sign-in counters, keyed by the e-mail's blind index and the client address's blind index (no address or e-mail in plaintext)",
            "people signing in", "keyed blind indexes (HMAC), nothing to open", "forgotten once idle for the throttle's window (15 minutes)"),
        ("classcomms.media_upload_reservations", "upload sessions in progress: ids, sizes and expiry (the bytes are in Blob Storage, encrypted)",
            "none (ids only)", "none", "swept with their blob after the upload reservation's lifetime (1 hour)"),
        ("personal_data.subject_keys", "every data subject's keys (per subject and period), wrapped by the master key", "every data subject, by id",
            "the master key (wrapping)", "destroyed at erasure, or at retention for a period's points key"),
    ];

    /// <summary>Blob containers holding personal data (not types: written by the code that names them).</summary>
    public static readonly IReadOnlyList<(string Container, string What, string Key, string Retention)> Containers =
    [
        ("media", "attachments, story photos and videos, portfolio files (encrypted in 64 KiB segments)", "a content key sealed like the message or post",
            "deleted when the person or student is erased; unsent attachments after 24 h"),
        ("erasure-ledger", "one entry per erased subject, and the signed erasure certificates: ids only, no personal data", "none (ids only)",
            "kept as long as the oldest database backup"),
    ];
}
