using ClassComms.Accounts;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClassComms.Tests.Accounts;

/// <summary>
/// <c>Auth:PasswordHashIterations</c>: the PBKDF2 cost of new password hashes. The default is Identity's 100,000 and Production refuses
/// less; elsewhere (a load driver's own API) it may be lower, and a stored hash keeps its own count, so sign-in works across changes.
/// </summary>
public sealed class when_configuring_password_hashing(AppFixture app) : IntegrationTest(app)
{
    private static Passwords With(int iterations) => new(Options.Create(new AuthOptions { PasswordHashIterations = iterations }));

    [Fact]
    public async Task the_default_cost_is_100000_iterations_for_a_stored_login()
    {
        var leader = await Api.CreateSchool();

        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var login = await session.LoadAsync<LoginAccount>(leader.LoginId);
        Assert.Equal(AuthOptions.DefaultPasswordHashIterations, Passwords.IterationsOf(login!.PasswordHash));
        Assert.Equal(100_000, AuthOptions.DefaultPasswordHashIterations);
        Assert.Equal(100_000, new AuthOptions().PasswordHashIterations);
    }

    [Fact]
    public void a_lower_cost_applies_to_new_hashes_and_hashes_of_either_cost_still_verify()
    {
        var cheap = With(1_000);
        var standard = With(AuthOptions.DefaultPasswordHashIterations);
        var low = new LoginAccount { PasswordHash = cheap.Hash(new LoginAccount(), "the password") };
        var high = new LoginAccount { PasswordHash = standard.Hash(new LoginAccount(), "the password") };

        Assert.Equal(1_000, Passwords.IterationsOf(low.PasswordHash));
        Assert.Equal(100_000, Passwords.IterationsOf(high.PasswordHash));
        Assert.True(standard.Verify(low, "the password"));
        Assert.True(cheap.Verify(high, "the password"));
        Assert.False(cheap.Verify(high, "another password"));
        Assert.False(cheap.Verify(null, "the password"));
    }

    [Fact]
    public async Task production_refuses_a_cost_below_the_default()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Production",
            new Dictionary<string, string?>
            {
                ["PersonalData:AllowSharedKeyDatabase"] = "true",
                ["Email:Smtp:Host"] = "smtp.classcomms.test",
                ["Email:Smtp:From"] = "no-reply@classcomms.test",
                ["Auth:PasswordHashIterations"] = "99999",
            }));

        Assert.Contains("Auth:PasswordHashIterations below 100,000 is not allowed in Production", Messages(error));
    }

    [Fact]
    public async Task outside_production_a_lower_cost_starts_and_a_zero_cost_is_refused()
    {
        await using (var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
                         new Dictionary<string, string?> { ["Auth:PasswordHashIterations"] = "1000" }))
        {
            Assert.Equal(1_000, Passwords.IterationsOf(host.Services.GetRequiredService<Passwords>().Hash(new LoginAccount(), "the password")));
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { ["Auth:PasswordHashIterations"] = "0" }));
        Assert.Contains("Auth:PasswordHashIterations must be positive", Messages(error));
    }

    private static string Messages(Exception e) => e switch
    {
        AggregateException a => string.Join(" | ", a.InnerExceptions.Select(Messages).Prepend(a.Message)),
        { InnerException: { } inner } => e.Message + " | " + Messages(inner),
        _ => e.Message,
    };
}
