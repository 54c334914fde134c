using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClassComms.Benchmarks;

/// <summary>The floor: a bare hub that forwards an id to a group. No auth, no persistence, no domain code.</summary>
public sealed class BaselineHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var group = Context.GetHttpContext()?.Request.Query["group"].ToString();
        if (!string.IsNullOrEmpty(group)) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }

    public Task Send(string group, long id) => Clients.Group(group).SendAsync("Msg", id);
}

/// <summary>
/// In-process Kestrel on its own loopback port with <see cref="BaselineHub"/> at /hub; clients are real SignalR
/// clients over WebSockets, measured exactly like the ClassComms scenarios (from just before invoking to receipt).
/// </summary>
public sealed class BaselineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HubConnection> _connections = [];

    private BaselineServer(WebApplication app, Uri hubUrl)
    {
        _app = app;
        HubUrl = hubUrl;
    }

    public Uri HubUrl { get; }

    public static async Task<BaselineServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<BaselineHub>("/hub");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BaselineServer(app, new Uri(new Uri(address), "/hub"));
    }

    private async Task<HubConnection> ConnectAsync(string? group)
    {
        var url = group is null ? HubUrl : new Uri($"{HubUrl}?group={Uri.EscapeDataString(group)}");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        _connections.Add(connection);
        return connection;
    }

    /// <summary>A sender (in no group) and <paramref name="members"/> receivers joined to <paramref name="group"/>.</summary>
    public async Task<HubConnection> GroupAsync(string group, int members, Receipts<long> receipts)
    {
        for (var i = 0; i < members; i++)
        {
            var receiver = i;
            var connection = await ConnectAsync(group);
            connection.On<long>("Msg", id => receipts.Arrived(receiver, id));
            await connection.StartAsync();
        }

        var sender = await ConnectAsync(null);
        await sender.StartAsync();
        return sender;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
