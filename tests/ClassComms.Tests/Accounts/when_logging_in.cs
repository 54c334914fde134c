using System.Net;
using ClassComms.Accounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Accounts;

public sealed class when_logging_in(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_token_carries_school_and_role_and_opens_protected_endpoints()
    {
        var leader = await Api.CreateSchool();
        Assert.Equal("leader", leader.Role);
        var classes = await Api.Get<List<object>>("/api/classes", leader);
        Assert.Empty(classes);
    }

    [Fact]
    public async Task a_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        var leader = await Api.CreateSchool();
        var wrongPassword = await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login",
            new Login(leader.Email, "not the password at all"), null);
        var unknown = await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login",
            new Login("nobody@nowhere.test", "not the password at all"), null);
        Assert.Equal(wrongPassword.Detail, unknown.Detail);
    }

    [Fact]
    public async Task an_empty_email_is_a_400_naming_the_field()
    {
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/login", new Login("", "x"), null);
        Assert.Contains("email", problem.Errors!.Keys);
    }

    [Fact]
    public async Task protected_endpoints_refuse_anonymous_and_forged_tokens()
    {
        var (status, _, _) = await Api.Send(HttpMethod.Get, "/api/classes", null, null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var forged = new Session("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", Guid.NewGuid(), Guid.NewGuid(), "leader", "", "");
        (status, _, _) = await Api.Send(HttpMethod.Get, "/api/classes", null, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
