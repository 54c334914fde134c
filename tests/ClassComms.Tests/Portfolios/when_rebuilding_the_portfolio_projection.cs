using ClassComms.Portfolios;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace ClassComms.Tests.Portfolios;

/// <summary>
/// The portfolio read model is a projection of the student's stream and nothing else: rebuilt from the events (Marten's daemon, as the
/// <c>projections rebuild</c> verb does), every document comes back byte for byte as the live inline projection wrote it — items added,
/// approved, edited, commented (comments edited and deleted), rejected and deleted, with their positions (the cursor guardians read after).
/// </summary>
public sealed class when_rebuilding_the_portfolio_projection(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_rebuilt_documents_equal_the_live_ones()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var student = await Api.StudentAccount(world, 0);
        var approved = await Api.AddJournal(student, ada, "Today I built a volcano.");
        await Api.Approve(world.Teacher, ada, approved.ItemId);
        await Api.Comment(world.Teacher, ada, approved.ItemId, "Wonderful!");
        var reply = await Api.Comment(student, ada, approved.ItemId, "Thank you");
        var fixedUp = await Api.Comment(world.Teacher, ada, approved.ItemId, "Wonderfull");
        await Api.Send(HttpMethod.Put, $"{PortfolioScenarios.Portfolio(ada)}/{approved.ItemId}/comments/{fixedUp.CommentId}",
            new EditPortfolioComment("Wonderful, really"), world.Teacher);
        await Api.Delete($"{PortfolioScenarios.Portfolio(ada)}/{approved.ItemId}/comments/{reply.CommentId}", student);
        var edited = await Api.AddJournal(student, ada, "A first draft");
        await Api.Send(HttpMethod.Put, $"{PortfolioScenarios.Portfolio(ada)}/{edited.ItemId}", new EditPortfolioItem("A second draft"), student);
        var rejected = await Api.AddJournal(student, ada, "Not for the portfolio");
        await Api.Send(HttpMethod.Post, $"{PortfolioScenarios.Portfolio(ada)}/{rejected.ItemId}/rejection", new RejectPortfolioItem("Off topic"),
            world.Teacher);
        var deleted = await Api.AddJournal(world.Teacher, world.Students[1], "Ben's reading log");
        await Api.Delete($"{PortfolioScenarios.Portfolio(world.Students[1])}/{deleted.ItemId}", world.Teacher);

        var live = await Documents(world.SchoolId);
        Assert.Equal(4, live.Count);

        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<PortfolioProjection>(TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        Assert.Equal(live, await Documents(world.SchoolId));
        var page = await Api.ReadPortfolio(world.Teacher, ada);
        Assert.Equal(3, page.Items.Count);
    }

    private static async Task<List<(string Id, string Data)>> Documents(Guid schoolId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select id::text, data::text from classcomms.mt_doc_portfolioitem where tenant_id = @tenant order by id", connection);
        command.Parameters.AddWithValue("tenant", schoolId.ToString("D"));
        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }
}
