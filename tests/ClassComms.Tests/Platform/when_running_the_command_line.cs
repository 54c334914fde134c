using ClassComms.Tests.PersonalData;
using ClassComms.Tests.Support;
using Npgsql;

namespace ClassComms.Tests.Platform;

/// <summary>
/// The API's JasperFx command line, run as an operator runs it (its own process, the test settings): the Critter Stack
/// verbs and the project's own commands exit with 0 and do their work instead of starting the web server.
/// (<c>erasure reapply</c> is exercised in Privacy/when_restoring_a_backup_taken_before_an_erasure.cs.)
/// </summary>
public sealed class when_running_the_command_line(AppFixture app) : IntegrationTest(app)
{
    private static string Database => AppFixture.Required("ConnectionStrings__Marten");

    [Fact]
    public async Task describe_exits_0_and_describes_the_storage_without_printing_any_secret()
    {
        var (exitCode, output) = await ApiProcess.RunAsync(Database, null, "describe");

        Assert.True(exitCode == 0, $"describe exited with {exitCode}: {output}");
        Assert.Contains("ClassComms storage", output);
        Assert.Contains("Wolverine", output);
        Assert.Contains("PersonalData:MasterKey", output); // the key is listed, its value is not
        Assert.DoesNotContain("Now listening on", output);
        var settings = AppFixture.Settings(Database);
        foreach (var secret in new[] { "PersonalData:MasterKey", "PersonalData:LookupKey", "Auth:SigningKey", "Platform:OperatorKey" })
        {
            Assert.DoesNotContain(settings[secret]!, output);
        }

        Assert.DoesNotContain("Password=", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task resources_check_exits_0_when_every_resource_exists()
    {
        var (exitCode, output) = await ApiProcess.RunAsync(Database, null, "resources", "check");

        Assert.True(exitCode == 0, $"resources check exited with {exitCode}: {output}");
        Assert.Contains("personal_data.subject_keys", output);
    }

    [Fact]
    public async Task keys_rewrap_rewraps_every_live_key_under_the_current_master_key()
    {
        await Api.CreateWorld("Amélie Tremblay", "Jonah Okafor");
        await ProjectionsCaughtUp();
        var live = await ScalarAsync("select count(*) from personal_data.subject_keys where wrapped_key is not null and master_key_id = 'default'");
        Assert.True(live >= 2, $"only {live} keys under the test master key");

        var (exitCode, output) = await ApiProcess.RunAsync(Database, new Dictionary<string, string?>
        {
            ["PersonalData:MasterKeys:2027-01"] = KeyStores.NewKey(),
            ["PersonalData:CurrentMasterKeyId"] = "2027-01",
        }, "keys", "rewrap");

        Assert.True(exitCode == 0, $"keys rewrap exited with {exitCode}: {output}");
        Assert.Contains($"{live} data keys rewrapped; master keys still wrapping live keys: 2027-01", output);
        Assert.Equal(0L, await ScalarAsync("select count(*) from personal_data.subject_keys where wrapped_key is not null and master_key_id <> '2027-01'"));
    }

    [Fact]
    public async Task codegen_test_generates_and_compiles_every_handler_and_endpoint()
    {
        var (exitCode, output) = await ApiProcess.RunAsync(Database, null, "codegen", "test");

        Assert.True(exitCode == 0, $"codegen test exited with {exitCode}: {output}");
        Assert.Contains("Success", output);
    }

    private static async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
