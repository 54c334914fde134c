using ClassComms.PersonalData;
using ClassComms.Privacy;

namespace ClassComms.Schools;

/// <summary>
/// Internal operation (no HTTP endpoint): destroys every key of the school's own free text (its name, class and skill names),
/// on every node, so they no longer open anywhere, backups included. The shred is first written to the erasure ledger (one
/// append-only entry, subject = the school), so restoring a backup taken before it is followed by the shred again (at start-up
/// and by <c>erasure reapply</c>). The people of the school keep their own keys; the whole "a school leaves" workflow
/// (people, media, accounts) is issue 9.
/// </summary>
public sealed class ShredSchool(ErasureLedger ledger, ErasureSteps steps, TimeProvider clock)
{
    public async Task ShredTextAsync(Guid schoolId, Guid requestedBy, CancellationToken ct)
    {
        var entry = await ledger.RecordAsync(new ErasureRecord(schoolId, SubjectKinds.School, schoolId, requestedBy, clock.GetUtcNow()), ct);
        await steps.ShredSchoolAsync(entry, ct);
    }
}

/// <summary>Free text of the school was to be written after its key was destroyed: answered 410 Gone, nothing committed.</summary>
public sealed class SchoolErasedException(Guid schoolId, Exception inner)
    : InvalidOperationException($"The data of school {schoolId} has been erased; nothing can be written for it.", inner)
{
    public Guid SchoolId { get; } = schoolId;
}
