using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.Guardians;

/// <summary>
/// Redeems a parent code. Every failure (unknown, expired, revoked, used, other school, erased student)
/// gives the same answer, so a wrong code tells nothing about whether it exists.
/// </summary>
public sealed class ParentCodeRedemption(BlindIndex index, TimeProvider clock)
{
    public static IResult InvalidCode() => Problems.Invalid("code", "is not valid or has expired.");

    public async Task<ParentCode?> FindUsableAsync(IQuerySession session, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 40) return null;
        var normalised = ParentCode.Normalise(code);
        if (normalised.Length != 12) return null;
        // Codes issued before a lookup-key rotation are stored under an older version's index.
        var parentCode = (await session.LoadManyAsync<ParentCode>(ct, index.AllOf(ParentCode.Purpose, normalised).ToArray())).FirstOrDefault();
        return parentCode is not null && parentCode.IsUsable(clock.GetUtcNow()) ? parentCode : null;
    }

    /// <summary>Links the guardian to the code's student inside <paramref name="session"/> (the code's school). False if not possible.</summary>
    public async Task<bool> LinkAsync(IDocumentSession session, ParentCode parentCode, Guid guardianId, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Student>(parentCode.StudentId, ct);
        if (stream.Aggregate is not { Erased: false } student) return false;
        // A frozen student or guardian gets no new link: the code answers as an invalid one (telling the redeemer nothing of the
        // restriction) and stays usable once the restriction is lifted (ProcessingRestriction/).
        if ((await ProcessingRestriction.Restrictions.FrozenAsync(session, [student.Id, guardianId], ct)).Count > 0) return false;
        var now = clock.GetUtcNow();
        if (student.Guardians.All(g => g.GuardianId != guardianId))
        {
            stream.AppendOne(new GuardianLinked(student.Id, guardianId, parentCode.CodeId, now));
        }

        parentCode.RedeemedAt = now;
        parentCode.RedeemedBy = guardianId;
        session.Store(parentCode);
        return true;
    }
}
