using System.Net;
using ClassComms.Schools;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Schools;

public sealed class when_creating_a_school(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task without_the_operator_key_it_is_refused()
    {
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/schools",
            new CreateSchool("X", new NewPerson("L", Api.NewEmail("l"), Support.Api.Password)), null,
            s => s.WithRequestHeader(CreateSchoolEndpoint.OperatorKeyHeader, "wrong"));
    }

    [Fact]
    public async Task an_empty_name_and_missing_leader_are_400s_naming_the_fields()
    {
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/schools",
            new CreateSchool(" ", null!), null, s => s.WithRequestHeader(CreateSchoolEndpoint.OperatorKeyHeader, AppFixture.OperatorKey));
        Assert.Contains("name", problem.Errors!.Keys);
        Assert.Contains("leader", problem.Errors.Keys);
    }
}
