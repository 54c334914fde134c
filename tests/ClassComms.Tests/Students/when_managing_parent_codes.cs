using System.Net;
using System.Text.Json.Nodes;
using ClassComms.Guardians;
using ClassComms.Students;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Students;

public sealed class when_managing_parent_codes(AppFixture app) : IntegrationTest(app)
{
    private static string Codes(Guid studentId) => $"/api/students/{studentId}/parent-codes";

    private Task<List<ParentCodeView>> List(Session caller, Guid studentId) => Api.Get<List<ParentCodeView>>(Codes(studentId), caller);

    /// <summary>The redemption answer without its per-request trace id.</summary>
    private async Task<string> FailedRegistration(string code)
    {
        var (status, body, _) = await Api.Send(HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code, "Gail Guardian", Support.Api.NewEmail("guardian"), Support.Api.Password), null, Support.Api.FromNewAddress);
        Assert.True(status == HttpStatusCode.BadRequest, body);
        var json = JsonNode.Parse(body)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    [Fact]
    public async Task an_issued_code_has_the_XXXX_XXXX_XXXX_form_and_is_listed_as_active()
    {
        var world = await Api.CreateWorld();

        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);

        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", issued.Code);
        Assert.Equal(world.Students[0], issued.StudentId);
        Assert.True(issued.ExpiresAt > DateTimeOffset.UtcNow);
        var listed = Assert.Single(await List(world.Teacher, world.Students[0]));
        Assert.Equal((issued.CodeId, "active", issued.ExpiresAt), (listed.CodeId, listed.Status, listed.ExpiresAt));
        Assert.Empty(await List(world.Teacher, world.Students[1]));
        Assert.DoesNotContain(issued.Code, (await Api.Send(HttpMethod.Get, Codes(world.Students[0]), null, world.Teacher)).Body);
    }

    [Fact]
    public async Task the_list_shows_active_revoked_and_redeemed_codes()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var active = await Api.IssueCode(world.Teacher, student);
        var revoked = await Api.IssueCode(world.Teacher, student);
        var redeemed = await Api.IssueCode(world.Leader, student);

        await Api.Delete($"{Codes(student)}/{revoked.CodeId}", world.Teacher);
        await Api.RegisterGuardian(redeemed.Code);

        var statuses = (await List(world.Teacher, student)).ToDictionary(c => c.CodeId, c => c.Status);
        Assert.Equal(new Dictionary<Guid, string> { [active.CodeId] = "active", [revoked.CodeId] = "revoked", [redeemed.CodeId] = "redeemed" },
            statuses);
        Assert.Equal(statuses, (await List(world.Leader, student)).ToDictionary(c => c.CodeId, c => c.Status));
    }

    [Fact]
    public async Task a_revoked_code_fails_to_redeem_with_the_same_answer_as_a_code_never_issued()
    {
        var world = await Api.CreateWorld();
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);
        await Api.Delete($"{Codes(world.Students[0])}/{issued.CodeId}", world.Teacher);

        var revoked = await FailedRegistration(issued.Code);
        var neverIssued = await FailedRegistration("ABCD-EFGH-JKMN");

        Assert.Equal(neverIssued, revoked);
        Assert.Contains("\"code\"", revoked);
        Assert.Empty((await Api.GetStudent(world.Teacher, world.Students[0])).Guardians!);

        var guardian = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var linkRevoked = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/children", new LinkChild(issued.Code), guardian);
        var linkNeverIssued = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/children",
            new LinkChild("ABCD-EFGH-JKMN"), guardian);
        Assert.Equal((linkNeverIssued.Title, linkNeverIssued.Detail), (linkRevoked.Title, linkRevoked.Detail));
        Assert.Equal(world.Students[1], Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).StudentId);
        Assert.Equal("revoked", Assert.Single(await List(world.Teacher, world.Students[0])).Status);
    }

    [Fact]
    public async Task revoking_a_redeemed_code_is_a_409_and_the_guardian_stays_linked()
    {
        var world = await Api.CreateWorld();
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);
        var guardian = await Api.RegisterGuardian(issued.Code);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"{Codes(world.Students[0])}/{issued.CodeId}", null, world.Teacher);

        Assert.Equal("redeemed", Assert.Single(await List(world.Teacher, world.Students[0])).Status);
        Assert.Equal(world.Students[0], (await Api.GetStudent(guardian, world.Students[0])).StudentId);
    }

    [Fact]
    public async Task an_unknown_code_id_is_a_404_and_a_malformed_one_a_400_naming_codeId()
    {
        var world = await Api.CreateWorld();
        var other = await Api.IssueCode(world.Teacher, world.Students[1]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Codes(world.Students[0])}/{Guid.NewGuid()}", null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Codes(world.Students[0])}/{other.CodeId}", null, world.Teacher);
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Delete, $"{Codes(world.Students[0])}/not-a-guid", null, world.Teacher);

        Assert.Equal("codeId", Assert.Single(problem.Errors!.Keys));
        Assert.Equal("active", Assert.Single(await List(world.Teacher, world.Students[1])).Status);
    }

    [Fact]
    public async Task a_teacher_of_another_class_gets_404_for_issuing_listing_and_revoking()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Codes(world.Students[0]), null, other);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Codes(world.Students[0]), null, other);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Codes(world.Students[0])}/{issued.CodeId}", null, other);

        var listed = Assert.Single(await List(world.Teacher, world.Students[0]));
        Assert.Equal((issued.CodeId, "active"), (listed.CodeId, listed.Status));
    }

    [Fact]
    public async Task a_guardian_gets_404_for_issuing_listing_and_revoking_even_for_their_own_child()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Codes(world.Students[0]), null, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Codes(world.Students[0]), null, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Codes(world.Students[0])}/{issued.CodeId}", null, guardian);

        var statuses = (await List(world.Teacher, world.Students[0])).Select(c => c.Status).Order();
        Assert.Equal(new[] { "active", "redeemed" }, statuses);
    }

    [Fact]
    public async Task the_dpo_and_staff_of_another_school_get_404()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);

        foreach (var stranger in new[] { world.Dpo, elsewhere.Leader, elsewhere.Teacher })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Codes(world.Students[0]), null, stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Codes(world.Students[0]), null, stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"{Codes(world.Students[0])}/{issued.CodeId}", null, stranger);
        }

        Assert.Equal("active", Assert.Single(await List(world.Teacher, world.Students[0])).Status);
    }
}
