using Npgsql;

namespace ClassComms.Platform;

/// <summary>
/// One connection pool on <c>ConnectionStrings:Marten</c> for ClassComms' own SQL beside Marten's sessions: the LISTEN/NOTIFY
/// channels (session changes, projection commits), the login throttle and the upload reservations. A singleton, disposed by
/// the container after the hosted services have stopped. Wrapped rather than registered as a bare <see cref="NpgsqlDataSource"/>
/// so that no library takes it for its own.
/// </summary>
public sealed class ClassCommsDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
