using ClassComms.Tests.Support;
using Npgsql;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Outside Development and Testing nothing is generated or migrated at start: the handler code must have been generated
/// before the build (infra/publish.sh), and the schema applied by the explicit migration step, `resources setup`
/// (ClassComms' own tables in the event store included).
/// </summary>
public sealed class when_starting_outside_development(AppFixture app) : IntegrationTest(app)
{
    private static readonly Dictionary<string, string?> Production = new()
    {
        ["PersonalData:AllowSharedKeyDatabase"] = "true",
        ["Email:Smtp:Host"] = "smtp.classcomms.test",
        ["Email:Smtp:From"] = "no-reply@classcomms.test",
    };

    [Fact]
    public async Task a_build_without_pre_generated_code_refuses_to_start_and_says_to_run_codegen_write()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Production",
            new Dictionary<string, string?>(Production) { ["Startup:GeneratedCode"] = null }));

        Assert.Contains("TypeLoadMode.Static", Messages(error));
        Assert.Contains("codegen write", Messages(error));
    }

    [Fact]
    public async Task an_empty_database_is_refused_until_resources_setup_has_run_and_then_it_starts()
    {
        const string database = "classcomms_tests_migration";
        var connection = await DatabaseDump.CreateEmptyAsync(database);
        try
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => AppFixture.StartHostAsync(connection, "Production", Production));
            Assert.Contains("run `resources setup`", Messages(refused));

            var (exitCode, output) = await ApiProcess.RunAsync("Production", connection, Production, ["resources", "setup"]);
            Assert.True(exitCode == 0, $"resources setup exited with {exitCode}: {output}");

            // ClassComms' own tables in the event store are part of Marten's schema: created by the setup, not on first use.
            await using (var db = new NpgsqlConnection(connection))
            {
                await db.OpenAsync();
                foreach (var name in new[] { "classcomms.login_throttle", "classcomms.media_upload_reservations", "classcomms.media_upload_settle(uuid)" })
                {
                    var kind = name.EndsWith(')') ? "regprocedure" : "regclass";
                    await using var exists = new NpgsqlCommand($"select to_{kind}(@name) is not null", db);
                    exists.Parameters.AddWithValue("name", name);
                    Assert.True((bool)(await exists.ExecuteScalarAsync())!, $"{name} does not exist after resources setup");
                }
            }

            await using var host = await AppFixture.StartHostAsync(connection, "Production", Production);
            var ready = await host.Server.CreateClient().GetAsync("/health/ready");
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
        }
    }

    private static string Messages(Exception e) => e switch
    {
        AggregateException a => string.Join(" | ", a.InnerExceptions.Select(Messages).Prepend(a.Message)),
        { InnerException: { } inner } => e.Message + " | " + Messages(inner),
        _ => e.Message,
    };
}
