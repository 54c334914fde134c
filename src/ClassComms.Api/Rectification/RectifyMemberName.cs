using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Rectification;

public static class RectifyMemberNameEndpoint
{
    /// <summary>Correct a member's name: one's own (a guardian or staff member), or anyone's in the school (the DPO).</summary>
    /// <remarks>
    /// A guardian, teacher or leader corrects their own name; the DPO any member's of the school. A student account's name is the
    /// student's: staff correct it through <c>POST /api/students/{studentId}/name</c>. Anyone else: 404. An erased member: 410.
    /// </remarks>
    [ProducesResponseType<NameRectified>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 404, 409, 410)]
    [WolverinePost("/api/members/{memberId}/name")]
    public static async Task<IResult> Post(Guid memberId, RectifyName request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Require(request.Name, "name", RectificationRules.MaxNameLength);
        if (!validation.IsValid) return validation.ToResult();
        if (memberId != caller.UserId && caller.Role != Role.Dpo) return Problems.NotFound("member");
        var account = await session.LoadAsync<UserAccount>(memberId, ct);
        if (account is null || account.SchoolId != caller.SchoolId) return Problems.NotFound("member");
        if (account.Role == Role.Student)
            return Problems.Invalid("memberId", "is a student account, whose name is the student's: correct it through the student.");
        if (account.ErasedAt is not null) return Problems.Gone("The member has been erased.");
        if (await ProcessingRestriction.Restrictions.RefusalAsync(session, caller, memberId, ct) is { } frozen) return frozen;

        var now = clock.GetUtcNow();
        var name = await vault.SealAsync(caller.Tenant, memberId, "account.name", request.Name!.Trim(), ct);
        session.Events.Append(memberId, new MemberNameRectified(memberId, caller.UserId, account.Name, name, now));
        account.Name = name;
        session.Store(account);
        return Results.Ok(new NameRectified(memberId, request.Name.Trim(), now));
    }
}
