using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Accounts;

/// <summary>A real SignalR connection whose closing by the server can be awaited.</summary>
public sealed class LiveConnection : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveConnection(HubConnection connection)
    {
        _connection = connection;
        _connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Completes when the server closes the connection (bounded wait by the caller, not a timing assertion).</summary>
    public Task Closed => _closed.Task;

    public HubConnectionState State => _connection.State;

    public static async Task<LiveConnection> Open(TestServer server, string token)
    {
        var connection = HubClient.NewConnection(server, token);
        var live = new LiveConnection(connection);
        await connection.StartAsync();
        return live;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
