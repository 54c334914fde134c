using StackExchange.Redis;

namespace ClassComms.Platform;

/// <summary>The <c>Redis</c> section: what the nodes of one deployment share in Redis.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>
    /// Prefix of this deployment's Redis channels (SignalR backplane) and keys (rate limits): the same on every node of a
    /// deployment, different for deployments that share a Redis.
    /// </summary>
    public string Prefix { get; set; } = "classcomms";

    public static string PrefixFrom(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<RedisOptions>()?.Prefix is { Length: > 0 } prefix ? prefix : new RedisOptions().Prefix;
}

/// <summary>
/// This node's connection to the deployment's Redis (<c>ConnectionStrings:Redis</c>), or none: one node. Connected on first use;
/// with <c>abortConnect=false</c> an unreachable Redis does not stop the start, and callers fall back (see the rate limits).
/// </summary>
public sealed class ClusterRedis(IConfiguration configuration) : IAsyncDisposable
{
    private readonly string? _connectionString = configuration.GetConnectionString("Redis") is { Length: > 0 } cs ? cs : null;
    private Lazy<Task<IConnectionMultiplexer>>? _connection;

    public bool Configured => _connectionString is not null;

    public string Prefix { get; } = RedisOptions.PrefixFrom(configuration);

    public Task<IConnectionMultiplexer> ConnectAsync()
    {
        if (_connectionString is null) throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");
        var connection = LazyInitializer.EnsureInitialized(ref _connection,
            () => new Lazy<Task<IConnectionMultiplexer>>(async () => await ConnectionMultiplexer.ConnectAsync(_connectionString)));
        return connection.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { IsValueCreated: true } connection && connection.Value.IsCompletedSuccessfully)
        {
            await connection.Value.Result.DisposeAsync();
        }
    }
}
