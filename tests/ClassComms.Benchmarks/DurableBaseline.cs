using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ClassComms.Benchmarks;

/// <summary>The guardian's side of the baseline: joins the group named in the query string (its student's).</summary>
public sealed class DurableBaselineHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var group = Context.GetHttpContext()?.Request.Query["group"].ToString();
        if (!string.IsNullOrEmpty(group)) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }
}

public sealed record BaselineAward(IReadOnlyList<Guid> StudentIds, string? Note);

/// <summary>
/// What a team without event sourcing or encryption would build: a minimal ASP.NET Core endpoint (in process, its own
/// loopback port, Kestrel) that writes one row per recipient to PostgreSQL in one transaction, with the same durability as
/// the API (the same server, synchronous_commit as configured there, a real fsync'd commit), then sends the same SignalR
/// message to each student's group ("PointAwarded", the point id). No authentication, no authorization read, no history.
/// </summary>
public sealed class DurableBaseline : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _db;
    private readonly List<HubConnection> _connections = [];

    private DurableBaseline(WebApplication app, NpgsqlDataSource db, Uri baseAddress)
    {
        _app = app;
        _db = db;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static string Group(Guid studentId) => $"student:{studentId}";

    public static async Task<DurableBaseline> StartAsync(string connectionString)
    {
        var db = NpgsqlDataSource.Create(connectionString);
        await using (var create = db.CreateCommand("""
            create table if not exists baseline_points (
                id uuid primary key, student_id uuid not null, teacher_id uuid not null, skill_id uuid not null,
                note text null, awarded_at timestamptz not null);
            create index if not exists baseline_points_student on baseline_points (student_id, awarded_at);
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<DurableBaselineHub>("/hub");
        var teacher = Guid.NewGuid();
        var skill = Guid.NewGuid();
        app.MapPost("/points", async (BaselineAward award, IHubContext<DurableBaselineHub> hub) =>
        {
            var points = award.StudentIds.Select(s => (PointId: Guid.CreateVersion7(), StudentId: s)).ToList();
            await using (var connection = await db.OpenConnectionAsync())
            await using (var tx = await connection.BeginTransactionAsync())
            {
                await using var insert = new NpgsqlCommand("""
                    insert into baseline_points (id, student_id, teacher_id, skill_id, note, awarded_at)
                    select p.id, p.student_id, $3, $4, $5, now() from unnest($1::uuid[], $2::uuid[]) as p(id, student_id)
                    """, connection, tx);
                insert.Parameters.Add(new NpgsqlParameter { Value = points.Select(p => p.PointId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = points.Select(p => p.StudentId).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = teacher });
                insert.Parameters.Add(new NpgsqlParameter { Value = skill });
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)award.Note ?? DBNull.Value });
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }

            foreach (var (pointId, studentId) in points)
                await hub.Clients.Group(Group(studentId)).SendAsync("PointAwarded", new PointNotice(pointId));
            return Results.Created("/points", new PointsAwarded(Guid.NewGuid(), points.Select(p => new AwardedPoint(p.PointId, p.StudentId)).ToList()));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DurableBaseline(app, db, new Uri(address));
    }

    /// <summary>Connects a guardian of <paramref name="studentId"/> (receiver index <paramref name="receiver"/>) over WebSockets.</summary>
    public async Task ConnectAsync(Guid studentId, int receiver, Receipts<Guid> receipts)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, $"/hub?group={Uri.EscapeDataString(Group(studentId))}"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<PointNotice>("PointAwarded", n => receipts.Arrived(receiver, n.PointId));
        await connection.StartAsync();
        _connections.Add(connection);
    }

    public async Task<string> DurabilityAsync()
    {
        await using var cmd = _db.CreateCommand("select current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }
}
