using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record CreateStaff(string Role, string Name, string Email, string Password);

public sealed record StaffCreated(Guid UserId, string Role);

/// <summary>
/// A school leader adds a teacher, leader or DPO to their own school. The answer is the same whether or not the e-mail
/// already has a login (in this school or another): a new person gets a login with the given password; an existing
/// one gets a membership on their login, and their password is left as it is.
/// </summary>
public static class CreateStaffEndpoint
{
    /// <summary>Add a teacher, leader or DPO to the school (a leader); the same 201 whether or not the e-mail has a login.</summary>
    [ProducesResponseType<StaffCreated>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/staff")]
    public static async Task<IResult> Post(CreateStaff request, Caller caller,
        IDocumentSession session, AccountFactory accounts, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader can create staff accounts.");

        var validation = new Validation();
        if (!Enum.TryParse<Role>(request.Role, ignoreCase: true, out var role) || role is not (Role.Teacher or Role.Leader or Role.Dpo))
        {
            validation.Add("role", "must be one of: teacher, leader, dpo.");
        }

        accounts.Validate(validation, new NewPerson(request.Name, request.Email, request.Password), "");
        if (!validation.IsValid) return validation.ToResult();

        var account = await accounts.CreateAsync(session, caller.SchoolId, role, new NewPerson(request.Name, request.Email, request.Password), ct);
        return Results.Created($"/api/staff/{account.Id}", new StaffCreated(account.Id, role.ToString().ToLowerInvariant()));
    }
}
