using ClassComms.PersonalData;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace ClassComms.Platform;

/// <summary>
/// Fixed-window rate limits shared by every node when Redis is configured (<see cref="ClusterRedis"/>): one counter per
/// partition in Redis, so N nodes allow what one node allows. Without Redis, or while Redis does not answer, each node
/// counts alone (the window and limit are the same, per node).
/// </summary>
public static class ClusterRateLimits
{
    /// <summary>Purpose of the keyed index naming a partition's counter in Redis.</summary>
    public const string PartitionPurpose = "rate-limit-partition";

    public static RateLimitPartition<string> FixedWindow(HttpContext http, string policy, string partition, int permits, TimeSpan window)
    {
        var redis = http.RequestServices.GetRequiredService<ClusterRedis>();
        var local = new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 };
        if (!redis.Configured) return RateLimitPartition.GetFixedWindowLimiter(partition, _ => local);
        var logger = http.RequestServices.GetRequiredService<ILogger<ClusterFixedWindowLimiter>>();
        // The partition may be a client address or a user id: Redis holds its keyed blind index, never the address itself.
        var index = http.RequestServices.GetRequiredService<BlindIndex>();
        return RateLimitPartition.Get(partition,
            key => new ClusterFixedWindowLimiter(redis, $"{redis.Prefix}:rate:{policy}:{index.Of(PartitionPurpose, key)}", permits, window,
                new FixedWindowRateLimiter(local), logger));
    }
}

/// <summary>
/// One partition's counter in Redis: the first permit of a window creates it with the window as its lifetime (atomically, in a
/// script), later ones increment it; past <c>permits</c> the request is refused. Nothing to wait for: refusals are immediate.
/// A Redis failure falls back to this node's own counter (logged without the partition key, which may be an address).
/// </summary>
public sealed class ClusterFixedWindowLimiter(ClusterRedis redis, string key, int permits, TimeSpan window, FixedWindowRateLimiter fallback,
    ILogger<ClusterFixedWindowLimiter> logger) : RateLimiter
{
    private const string Count = """
        local n = redis.call('INCRBY', KEYS[1], ARGV[1])
        if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return n
        """;

    private long _lastUsed = Environment.TickCount64;
    private long _inFlight;

    public override TimeSpan? IdleDuration =>
        Interlocked.Read(ref _inFlight) > 0 ? null : TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Never decides synchronously: the middleware then asks <see cref="AcquireAsyncCore"/>, which asks Redis.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Environment.TickCount64);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var connection = await redis.ConnectAsync();
            var counted = (long)await connection.GetDatabase().ScriptEvaluateAsync(Count, [new RedisKey(key)],
                [permitCount, (long)window.TotalMilliseconds]);
            return counted <= permits ? Lease.Granted : Lease.Refused;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Redis did not answer a rate-limit count; this node counts alone meanwhile");
            return await fallback.AcquireAsync(permitCount, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) fallback.Dispose();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore() => await fallback.DisposeAsync();

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
