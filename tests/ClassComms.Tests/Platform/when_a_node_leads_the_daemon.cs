using ClassComms.Platform;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Platform;

/// <summary>
/// The node that runs the async daemon holds its election lock in an idle session, not an open transaction
/// (<see cref="DaemonCoordinator"/>): an open transaction held the database's xmin horizon for as long as the node led, so no
/// dead row version anywhere in the database could be pruned or vacuumed (Marten's coordinator did, README "Hot paths").
/// A lost session is noticed and the lock taken again, and the projections go on.
/// </summary>
public sealed class when_a_node_leads_the_daemon(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task its_lock_is_held_by_an_idle_session_that_holds_back_no_row_versions()
    {
        var holder = await HolderAsync(null);

        Assert.Equal("idle", holder.State);
        Assert.Null(holder.BackendXmin);
        Assert.Null(holder.BackendXid);
    }

    [Fact]
    public async Task a_lost_session_is_noticed_the_lock_taken_again_and_the_projections_go_on()
    {
        var before = await HolderAsync(null);
        await using (var db = NpgsqlDataSource.Create(AppFixture.Required("ConnectionStrings__Marten")))
        await using (var kill = db.CreateCommand($"select pg_terminate_backend({before.Pid})"))
        {
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }

        var after = await HolderAsync(before.Pid);
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.Equal("idle", after.State);

        var world = await Api.CreateWorld();
        await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id, null);
        await ProjectionsCaughtUp(); // times out if no daemon runs the class statistics
    }

    private sealed record Holder(int Pid, string State, string? BackendXmin, string? BackendXid);

    /// <summary>The session holding this host's daemon lock (other than <paramref name="not"/>), waited for up to <see cref="Bound"/>.</summary>
    private async Task<Holder> HolderAsync(int? not)
    {
        var coordinator = Host.Services.GetRequiredService<DaemonCoordinator>();
        var lockIds = (await coordinator.Distributor!.BuildDistributionAsync()).Select(s => (long)s.LockId).ToArray();
        Assert.NotEmpty(lockIds);
        await using var db = NpgsqlDataSource.Create(AppFixture.Required("ConnectionStrings__Marten"));
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            await using (var find = db.CreateCommand("""
                select a.pid, a.state, a.backend_xmin::text, a.backend_xid::text from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
                  and ((l.classid::bigint << 32) | l.objid::bigint) = any($1) and a.pid <> coalesce($2, 0)
                """))
            {
                find.Parameters.Add(new() { Value = lockIds });
                find.Parameters.Add(new() { Value = (object?)not ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
                await using var reader = await find.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                {
                    return new Holder(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3));
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "no session took the daemon lock in time");
            await Task.Delay(200);
        }
    }
}
