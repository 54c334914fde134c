using System.Security.Cryptography;
using System.Text;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace ClassComms.Schools;

public sealed record NewPerson(string Name, string Email, string Password);

public sealed record CreateSchool(string Name, NewPerson Leader);

public sealed record SchoolCreated(Guid SchoolId, Guid LeaderId);

/// <summary>The platform operator provisions a school (tenant) and its first school leader.</summary>
public static class CreateSchoolEndpoint
{
    public const string OperatorKeyHeader = OperatorKeyAttribute.Header;

    /// <summary>Create a school and its first leader (platform operator, `X-Operator-Key`).</summary>
    [AllowAnonymous]
    [OperatorKey]
    [ProducesResponseType<SchoolCreated>(StatusCodes.Status201Created)]
    [ProducesProblems(409)]
    [WolverinePost("/api/schools")]
    public static async Task<IResult> Post(CreateSchool request, HttpContext http, IDocumentStore store,
        IOptions<PlatformOptions> platform, Accounts.AccountFactory accounts, PersonalDataVault vault, CancellationToken ct)
    {
        if (!IsOperator(http, platform.Value)) return Problems.Unauthorized();

        var validation = new Validation().Require(request.Name, "name", 200);
        if (request.Leader is null) validation.Add("leader", "is required.");
        else accounts.Validate(validation, request.Leader, "leader");
        if (!validation.IsValid) return validation.ToResult();

        var schoolId = Guid.CreateVersion7();
        await using var session = store.LightweightSession();
        // An e-mail that already has a login gets a leader membership on it (its password unchanged).
        var leader = await accounts.CreateAsync(session, schoolId, Role.Leader, request.Leader!, ct);

        var name = await vault.SealAsync(schoolId, SchoolText.SchoolName, schoolId, request.Name.Trim(), ct);
        session.Store(new School { Id = schoolId, Name = name, CreatedAt = DateTimeOffset.UtcNow });
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/schools/{schoolId}", new SchoolCreated(schoolId, leader.Id));
    }

    /// <summary>True when the request carries the platform operator's key (compared in constant time).</summary>
    public static bool IsOperator(HttpContext http, PlatformOptions options)
    {
        if (string.IsNullOrEmpty(options.OperatorKey)) return false;
        var presented = http.Request.Headers[OperatorKeyHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(options.OperatorKey)));
    }
}
