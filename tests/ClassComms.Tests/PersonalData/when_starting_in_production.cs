using System.Net;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.PersonalData;

/// <summary>In Production the keys need their own database, unless explicitly overridden.</summary>
public sealed class when_starting_in_production(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_key_store_sharing_the_event_store_database_is_refused_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Production", null));
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("PersonalData:KeyStoreConnectionString points at the event store's database", messages);
        Assert.Contains("PersonalData:AllowSharedKeyDatabase", messages);
    }

    [Fact]
    public async Task the_explicit_override_lets_it_start()
    {
        await using var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Production",
            new Dictionary<string, string?>
            {
                ["PersonalData:AllowSharedKeyDatabase"] = "true",
                ["Email:Smtp:Host"] = "smtp.classcomms.test",
                ["Email:Smtp:From"] = "no-reply@classcomms.test",
            });
        var response = await host.Server.CreateClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task without_an_smtp_server_for_password_reset_mail_it_refuses_to_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Production",
            new Dictionary<string, string?> { ["PersonalData:AllowSharedKeyDatabase"] = "true" }));
        Assert.Contains("Email:Smtp:Host is required in Production", string.Join(" | ", Flatten(error).Select(e => e.Message)));
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        if (e is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
        else if (e.InnerException is not null)
        {
            foreach (var inner in Flatten(e.InnerException)) yield return inner;
        }
    }
}
