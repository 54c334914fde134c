namespace ClassComms.AccessLog;

/// <summary>What kind of a student's data a staff member read (sealed in the entry, never a plain column).</summary>
public static class AccessKinds
{
    /// <summary>The student's record (name, class, totals, guardians): <c>GET /api/students/{id}</c>.</summary>
    public const string Record = "record";

    /// <summary>The student's point history: <c>GET /api/students/{id}/points</c>.</summary>
    public const string Points = "points";

    /// <summary>The student's consents or their history.</summary>
    public const string Consents = "consents";

    /// <summary>The student's date of birth (shown to staff with the consents).</summary>
    public const string BirthDate = "birthDate";

    /// <summary>The student's parent codes (status only).</summary>
    public const string ParentCodes = "parentCodes";

    /// <summary>A private or shared thread about the student (item: the conversation).</summary>
    public const string Messages = "messages";

    /// <summary>The student's portfolio.</summary>
    public const string Portfolio = "portfolio";

    /// <summary>A file downloaded: a message attachment of a thread about the student, a portfolio file, a story photo tagging them (item: the attachment).</summary>
    public const string MediaDownload = "mediaDownload";

    /// <summary>
    /// The class roster (<c>GET /api/classes/{id}</c>: name, totals, number of guardians), logged once per student it shows (item: the class);
    /// a class-wide view is a view of each student's data.
    /// </summary>
    public const string ClassRoster = "classRoster";

    /// <summary>A subject access export of the student (Exports/).</summary>
    public const string Export = "export";
}

/// <summary>One read to log: whose data, what kind, and the item read when there is one (a conversation, an attachment).</summary>
public sealed record StaffRead(Guid StudentId, string Kind, Guid? ItemId = null);
