using System.Net;
using ClassComms.Audience;
using ClassComms.Consents;
using ClassComms.ProcessingRestriction;
using ClassComms.Tests.Consents;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace ClassComms.Tests.Audience;

/// <summary>
/// The access documents are a projection of the events and nothing else: deleted and rebuilt from the events (Marten's daemon, as the
/// <c>projections rebuild</c> verb does), every <c>AudienceLink</c> and <c>AudienceMutes</c> row comes back as the live inline projection
/// wrote it — links, consents given and withdrawn, a custody restriction, a processing restriction, mutes and a student account.
/// </summary>
public sealed class when_rebuilding_the_audience_projection(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_rebuilt_access_documents_equal_the_live_ones()
    {
        var world = await Api.CreateWorld();
        var (ada, ben, cleo) = (world.Students[0], world.Students[1], world.Students[2]);
        var mum = await Api.GuardianOf(world.Teacher, ada, "Ada's Mum");
        await Api.Change(mum, ada, ConsentPurposes.PortfolioSharing, true);
        await Api.Change(mum, ada, ConsentPurposes.ClassStoryMedia, true);
        await Api.Change(mum, ada, ConsentPurposes.PortfolioSharing, false);
        await Api.Change(world.Teacher, ben, ConsentPurposes.SchoolStoryMedia, true, "paper form 1");
        var dad = await Api.GuardianOf(world.Teacher, ben, "Ben's Dad");
        await Api.RestrictGuardian(world.Leader, ben, dad.UserId);
        var gran = await Api.GuardianOf(world.Teacher, cleo, "Cleo's Gran");
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Post, $"/api/guardians/me/muted-classes/{world.ClassId}", null, gran)).Status);
        await Api.Post<RestrictionView>("/api/dpo/restrictions", new RestrictProcessing(cleo, "accuracyContested"), world.Dpo);
        await Api.StudentAccount(world, 0);

        var live = await Documents(world.SchoolId);
        Assert.Equal(4, live.Count(d => d.Table == "audiencelink")); // mum, dad (restricted), gran (frozen child), Ada's account
        Assert.Single(live, d => d.Table == "audiencemutes");

        await Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(AudienceLink));
        await Store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(AudienceMutes));
        Assert.Empty(await Documents(world.SchoolId));
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<AudienceAccessProjection>(TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        Assert.Equal(live, await Documents(world.SchoolId));
    }

    private static async Task<List<(string Table, string Id, string Data)>> Documents(Guid schoolId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        var rows = new List<(string, string, string)>();
        foreach (var table in new[] { "audiencelink", "audiencemutes" })
        {
            await using var command = new NpgsqlCommand(
                $"select id::text, data::text from classcomms.mt_doc_{table} where tenant_id = @tenant order by id", connection);
            command.Parameters.AddWithValue("tenant", schoolId.ToString("D"));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((table, reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
