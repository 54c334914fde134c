using ClassComms.Platform;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Marten's connections prepare the statements they send often (Npgsql's automatic preparation), so PostgreSQL parses and
/// plans an award's statements once per connection instead of on every request (README, "Points beside a durable baseline").
/// </summary>
public sealed class when_connecting_to_the_database(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task martens_connections_prepare_frequent_statements_and_the_points_path_still_works()
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using var connection = store.Storage.Database.CreateConnection();

        Assert.Equal(StorageConfiguration.DefaultMaxAutoPrepare, new NpgsqlConnectionStringBuilder(connection.ConnectionString).MaxAutoPrepare);

        // More awards than the uses after which Npgsql prepares a statement (5), over the same pooled connections.
        var world = await Api.CreateWorld();
        for (var i = 0; i < 8; i++) await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id, $"Note {i}");
        var history = await Api.GetHistory(world.Teacher, world.Students[0]);
        Assert.Equal(8, history.Points.Count);
    }

    [Fact]
    public void the_connection_strings_own_setting_wins_and_zero_turns_it_off()
    {
        const string plain = "Host=127.0.0.1;Port=5432;Database=x;Username=u;Password=p";
        var none = new ConfigurationBuilder().Build();
        var off = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:MaxAutoPrepare"] = "0" }).Build();

        Assert.Equal(64, new NpgsqlConnectionStringBuilder(StorageConfiguration.WithAutoPrepare(plain, none)).MaxAutoPrepare);
        Assert.Equal(10, new NpgsqlConnectionStringBuilder(StorageConfiguration.WithAutoPrepare(plain + ";Max Auto Prepare=10", none)).MaxAutoPrepare);
        Assert.Equal(plain, StorageConfiguration.WithAutoPrepare(plain, off));
    }
}
