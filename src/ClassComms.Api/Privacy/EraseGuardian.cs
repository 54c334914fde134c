using System.Security.Claims;
using ClassComms.Accounts;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Wolverine.Http;

namespace ClassComms.Privacy;

public sealed record GuardianErasure(Guid GuardianId, DateTimeOffset ErasedAt);

/// <summary>
/// The DPO erases a guardian: ledger entry, key destroyed (their name, e-mail, messages and attachment names
/// become unreadable; threads show "message from an erased user"), login disabled, links removed, the blobs
/// they sent deleted. The other party's own messages stay readable to them.
/// </summary>
public static class EraseGuardianEndpoint
{
    [WolverinePost("/api/privacy/guardians/{guardianId}/erasure")]
    public static async Task<IResult> Post(string guardianId, ClaimsPrincipal user, IDocumentSession session, Shredding shredding,
        TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(guardianId, "guardianId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer can erase a person.");

        var account = await session.LoadAsync<UserAccount>(id, ct);
        if (account is null || account.SchoolId != caller.SchoolId || account.Role != Role.Guardian) return Problems.NotFound("guardian");
        if (account.ErasedAt is { } erasedAt) return Results.Ok(new GuardianErasure(id, erasedAt));

        var now = clock.GetUtcNow();
        await shredding.ShredAsync(caller, id, "guardian", now, ct);

        account.ErasedAt = now;
        account.EmailIndex = $"erased:{id:N}";
        account.PasswordHash = "";
        session.Store(account);
        session.Delete<GuardianPreferences>(id);

        foreach (var student in await session.Query<Student>().Where(s => s.GuardianIds.Contains(id)).ToListAsync(ct))
        {
            session.Events.Append(student.Id, new GuardianUnlinked(student.Id, caller.UserId, id, now));
        }

        await shredding.DeleteMediaAsync(session, await session.Query<MediaObject>().Where(m => m.UploadedBy == id).ToListAsync(ct), ct);

        return Results.Ok(new GuardianErasure(id, now));
    }
}
