using System.Collections.Concurrent;
using ClassComms.Notifications;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Support;

/// <summary>A real SignalR client connected to a test server, recording every notification it receives.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    public ConcurrentQueue<(string Kind, object Notice)> Received { get; } = new();
    private event Action? Arrived;

    private HubClient(HubConnection connection)
    {
        _connection = connection;
        Listen<PointNotice>(nameof(INotificationClient.PointAwarded));
        Listen<PointNotice>(nameof(INotificationClient.PointRemoved));
        Listen<MessageNotice>(nameof(INotificationClient.MessageReceived));
        Listen<MessageNotice>(nameof(INotificationClient.MessageWithdrawn));
        Listen<ReadNotice>(nameof(INotificationClient.MessagesRead));
        Listen<StoryNotice>(nameof(INotificationClient.StoryPostPublished));
        Listen<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished));
        Listen<ClassComms.Portfolios.PortfolioNotice>(nameof(INotificationClient.PortfolioChanged));
        Listen<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged));
        Listen<ClassComms.Exports.ExportNotice>(nameof(INotificationClient.ExportProgressed));
        Listen<ChildRemovedNotice>(nameof(INotificationClient.ChildRemoved));
        Listen<ClassComms.Incidents.IncidentReminderNotice>(nameof(INotificationClient.IncidentReminder));
        Listen<ClassComms.StudentAccounts.StudentRegistrationNotice>(nameof(INotificationClient.StudentRegistrationWaiting));
    }

    public static Task<HubClient> Connect(AppFixture app, Session? who) => Connect(app.Host.GetTestServer(), who);

    public static async Task<HubClient> Connect(TestServer server, Session? who)
    {
        var client = new HubClient(NewConnection(server, who?.Token));
        await client._connection.StartAsync();
        return client;
    }

    /// <summary>
    /// A connection made as a browser makes it: negotiate over HTTP with the bearer header, then a WebSocket carrying the
    /// token in the <c>access_token</c> query string (a browser cannot set headers on a WebSocket).
    /// </summary>
    public static HubConnection NewConnection(TestServer server, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, NotificationHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.WebSockets;
                if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.WebSocketFactory = async (context, ct) =>
                {
                    var uri = context.Uri;
                    if (token is not null)
                    {
                        var query = uri.Query.TrimStart('?');
                        uri = new UriBuilder(uri) { Query = (query.Length > 0 ? query + "&" : "") + "access_token=" + Uri.EscapeDataString(token) }.Uri;
                    }

                    return await server.CreateWebSocketClient().ConnectAsync(uri, ct);
                };
            })
            .Build();

    public IEnumerable<T> All<T>(string kind) => Received.Where(r => r.Kind == kind).Select(r => (T)r.Notice);

    private void Listen<T>(string kind) => _connection.On<T>(kind, notice =>
    {
        Received.Enqueue((kind, notice!));
        Arrived?.Invoke();
    });

    /// <summary>Waits until a matching notification arrives (a bounded wait, not a timing assertion).</summary>
    public async Task<T> WaitFor<T>(string kind, Func<T, bool> match, TimeSpan? within = null)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            foreach (var notice in All<T>(kind))
            {
                if (match(notice)) done.TrySetResult(notice);
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

    public Task<PointNotice> WaitFor(string kind, Func<PointNotice, bool> match, TimeSpan? within = null) => WaitFor<PointNotice>(kind, match, within);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
