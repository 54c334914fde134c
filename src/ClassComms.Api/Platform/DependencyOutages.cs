using System.Net.Sockets;
using Npgsql;

namespace ClassComms.Platform;

/// <summary>
/// A request failed because PostgreSQL or Blob Storage did not answer (stopped, restarting, unreachable), not because of
/// the request: it is answered 503 with <c>Retry-After</c> (<see cref="ProblemExceptionHandler"/>), never 500. Nothing was
/// committed: the transaction of a request either commits as a whole or not at all, and a 503 is only written for an
/// exception, i.e. before or instead of the commit. Nothing is kept between requests, so the service recovers by itself
/// when the store is back (Npgsql drops broken pooled connections and opens new ones).
/// </summary>
public static class DependencyOutages
{
    /// <summary>What <c>Retry-After</c> says: about the time a restarted PostgreSQL or Azurite needs to answer again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>PostgreSQL's answers that mean "not now" rather than "not this": connection errors (class 08), shutting down,
    /// starting up, too many connections.</summary>
    private static readonly HashSet<string> UnavailableStates =
    [
        PostgresErrorCodes.AdminShutdown, PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.CannotConnectNow,
        PostgresErrorCodes.TooManyConnections, PostgresErrorCodes.InsufficientResources,
    ];

    /// <summary>
    /// Blob Storage calls give up within seconds when the service does not answer, so that a request fails with 503 instead of
    /// hanging (the SDK's defaults: 3 retries up to a minute apart, 100 s without progress on a connection). A refused connection
    /// fails after about 1 s (3 attempts); a service that accepts but does not answer, after 10 s per attempt.
    /// </summary>
    public static Azure.Storage.Blobs.BlobClientOptions BlobClientOptions()
    {
        var options = new Azure.Storage.Blobs.BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(400);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    public static bool IsOutage(Exception exception) => Chain(exception).Any(e => e switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || UnavailableStates.Contains(postgres.SqlState),
        // Not a server's answer: the connection could not be opened or broke (socket, I/O, timeout while connecting).
        NpgsqlException npgsql => npgsql.IsTransient,
        // Blob Storage: no HTTP answer at all (status 0: refused, reset, timed out), or the service says it is unavailable.
        Azure.RequestFailedException blob => blob.Status is 0 or StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable
            or StatusCodes.Status504GatewayTimeout,
        SocketException => true,
        _ => false,
    });

    /// <summary>The exception and every exception inside it (inner exceptions, and each of an aggregate's: Azure's retry
    /// policy throws one aggregate of its attempts).</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            }
            else if (e.InnerException is not null)
            {
                pending.Push(e.InnerException);
            }
        }
    }
}
