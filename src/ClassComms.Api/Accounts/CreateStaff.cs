using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record CreateStaff(string Role, string Name, string Email);

/// <summary>The answer to every staff invitation, whoever the e-mail belongs to.</summary>
public sealed record StaffInvited(Guid InvitationId, string Role, DateTimeOffset ExpiresAt);

/// <summary>
/// A school leader invites a teacher, leader or DPO into their own school. The leader never chooses a password: the
/// invitation mail (<see cref="StaffInvitationRequestedHandler"/>) carries a one-time token, and the invitee sets their own
/// password when accepting (<c>POST /api/staff/invitations/accept</c>), or, if the address already has a login, keeps it.
/// The answer is the same 201 after the same work whether or not the e-mail has a login (here or in another school): the
/// request does not even look it up, so nothing the leader can do tells them.
/// </summary>
public static class CreateStaffEndpoint
{
    /// <summary>Invite a teacher, leader or DPO into the school (a leader); the same 201 whatever the e-mail, and the invitee sets their own password.</summary>
    [ProducesResponseType<StaffInvited>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/staff")]
    public static async Task<(IResult, OutgoingMessages)> Post(CreateStaff request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        IOptions<StaffInvitationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return (Problems.Forbidden("Only a school leader can create staff accounts."), []);

        var validation = new Validation();
        if (!Enum.TryParse<Role>(request.Role, ignoreCase: true, out var role) || role is not (Role.Teacher or Role.Leader or Role.Dpo))
        {
            validation.Add("role", "must be one of: teacher, leader, dpo.");
        }

        validation.Require(request.Name, "name", 200).Email(request.Email, "email");
        if (!validation.IsValid) return (validation.ToResult(), []);

        var membershipId = Guid.CreateVersion7();
        var tenant = Ids.Tenant(caller.SchoolId);
        var invitation = new StaffInvitation
        {
            Id = Guid.CreateVersion7(),
            MembershipId = membershipId,
            SchoolId = caller.SchoolId,
            Role = role,
            InvitedBy = caller.UserId,
            Email = await vault.SealAsync(tenant, membershipId, "staff-invitation.email", request.Email.Trim(), ct),
            Name = await vault.SealAsync(tenant, membershipId, "account.name", request.Name.Trim(), ct),
            ExpiresAt = clock.GetUtcNow() + options.Value.TokenLifetime,
        };
        session.Store(invitation);
        var messages = new OutgoingMessages { new StaffInvitationRequested(invitation.Id) };
        messages.Schedule(new ExpireStaffInvitation(invitation.Id), invitation.ExpiresAt);
        return (Results.Created($"/api/staff/invitations/{invitation.Id}",
            new StaffInvited(invitation.Id, role.ToString().ToLowerInvariant(), invitation.ExpiresAt)), messages);
    }
}
