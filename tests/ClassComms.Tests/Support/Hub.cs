using System.Collections.Concurrent;
using ClassComms.Notifications;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Support;

/// <summary>A real SignalR client connected to the test server, recording what it receives.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    public ConcurrentQueue<(string Kind, PointNotice Notice)> Received { get; } = new();
    private event Action? Arrived;

    private HubClient(HubConnection connection)
    {
        _connection = connection;
        connection.On<PointNotice>(nameof(INotificationClient.PointAwarded), n => Record(nameof(INotificationClient.PointAwarded), n));
        connection.On<PointNotice>(nameof(INotificationClient.PointRemoved), n => Record(nameof(INotificationClient.PointRemoved), n));
    }

    public static async Task<HubClient> Connect(AppFixture app, Session? who)
    {
        var server = app.Host.GetTestServer();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, NotificationHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (who is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(who.Token);
            })
            .Build();
        var client = new HubClient(connection);
        await connection.StartAsync();
        return client;
    }

    private void Record(string kind, PointNotice notice)
    {
        Received.Enqueue((kind, notice));
        Arrived?.Invoke();
    }

    /// <summary>Waits until a notice matching <paramref name="match"/> arrives (bounded wait, not a timing assertion).</summary>
    public async Task<PointNotice> WaitFor(string kind, Func<PointNotice, bool> match, TimeSpan? within = null)
    {
        var done = new TaskCompletionSource<PointNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            foreach (var (k, n) in Received)
            {
                if (k == kind && match(n)) done.TrySetResult(n);
            }
        }

        Arrived += Check;
        try
        {
            Check();
            return await done.Task.WaitAsync(within ?? TimeSpan.FromSeconds(20));
        }
        finally
        {
            Arrived -= Check;
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
