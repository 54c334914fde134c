using ClassComms.PersonalData;
using ClassComms.Platform;
using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClassComms.Accounts;

public sealed class LoginThrottleOptions
{
    public const string Section = "Auth:Throttle";

    /// <summary>Attempts per account (by e-mail blind index) before each further attempt must wait.</summary>
    public int AccountAttempts { get; set; } = 5;

    /// <summary>Failed attempts per client address before each further attempt must wait (generous: schools share addresses).</summary>
    public int AddressAttempts { get; set; } = 100;

    /// <summary>The first wait; it doubles with every further failure, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A counter with no attempt for this long (and no wait pending) is forgotten.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Login throttling with exponential backoff, per account and per client address, shared by every node: the counters are
/// rows of <c>classcomms.login_throttle</c> in the event-store database, read and written under row locks in one
/// transaction, so N nodes allow what one node allows. An attempt is counted before the password is checked (so parallel
/// guesses cannot slip past the limit) and given back when it succeeds. The account key is the e-mail's blind index, never
/// the e-mail; unknown e-mails are counted exactly like known ones, so the answer tells nothing about existence.
/// </summary>
public sealed class LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider clock, LoginThrottleStore store, BlindIndex index)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private long _nextPrune;

    private LoginThrottleOptions Options => options.Value;

    public static string AccountKey(string emailIndex) => $"account:{emailIndex}";

    public static string AddressKey(IPAddress? address) => $"address:{address?.ToString() ?? "unknown"}";

    /// <summary>Purpose of the keyed index under which a client address is stored (an IP address is personal data).</summary>
    public const string AddressPurpose = "login-throttle-address";

    /// <summary>
    /// The key as stored: a client address becomes its keyed blind index (<see cref="BlindIndex"/>), so the table never holds an
    /// address in plaintext; the account key is already the e-mail's blind index.
    /// </summary>
    private string Stored(string key) =>
        key.StartsWith("address:", StringComparison.Ordinal) ? "address:" + index.Of(AddressPurpose, key["address:".Length..]) : key;

    /// <summary>Reserves an attempt for both keys, or says how long to wait (nothing is counted then).</summary>
    public async Task<TimeSpan?> TryAttemptAsync(string accountKey, string addressKey, CancellationToken ct)
    {
        (accountKey, addressKey) = (Stored(accountKey), Stored(addressKey));
        var now = Now();
        await PruneIfDueAsync(now, ct);
        var keys = new[] { accountKey, addressKey }.Distinct().Order(StringComparer.Ordinal).ToArray();
        await using var connection = await store.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Rows are created if missing, then locked in key order (no deadlock between two attempts sharing keys).
        await using var read = new NpgsqlCommand($"""
            insert into {LoginThrottleStore.Table} (key, attempts, last_at) select k, 0, @now from unnest(@keys::text[]) k on conflict (key) do nothing;
            select key, attempts, last_at from {LoginThrottleStore.Table} where key = any(@keys) order by key for update;
            """, connection, tx)
        {
            Parameters = { new("keys", keys), new("now", now) },
        };
        var counters = new Dictionary<string, (int Attempts, DateTimeOffset Last)>();
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) counters[reader.GetString(0)] = (reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        var account = Current(counters[accountKey], now);
        var address = Current(counters[addressKey], now);
        var wait = Max(Wait(account, now, Options.AccountAttempts), Wait(address, now, Options.AddressAttempts));
        if (wait > TimeSpan.Zero) return wait; // rolled back: nothing counted

        await using var count = new NpgsqlCommand(
            $"update {LoginThrottleStore.Table} set attempts = case when key = @account then @accountAttempts else @addressAttempts end, last_at = @now where key = any(@keys)", connection, tx)
        {
            Parameters =
            {
                new("account", accountKey), new("keys", keys), new("accountAttempts", account.Attempts + 1),
                new("addressAttempts", address.Attempts + 1), new("now", now),
            },
        };
        await count.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>The password was right: the account's counter is cleared and the address gets its attempt back.</summary>
    public async Task SucceededAsync(string accountKey, string addressKey, CancellationToken ct)
    {
        (accountKey, addressKey) = (Stored(accountKey), Stored(addressKey));
        await using var connection = await store.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            delete from {LoginThrottleStore.Table} where key = @account;
            update {LoginThrottleStore.Table} set attempts = greatest(0, attempts - 1) where key = @address;
            """, connection)
        {
            Parameters = { new("account", accountKey), new("address", addressKey) },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Counters idle past the window (and past any wait) are deleted, by whichever node gets there first each minute.</summary>
    private async Task PruneIfDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = Interlocked.Read(ref _nextPrune);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPrune, (now + PruneEvery).UtcTicks, due) != due) return;
        await using var connection = await store.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"delete from {LoginThrottleStore.Table} where last_at < @before", connection)
        {
            Parameters = { new("before", now - Max(Options.Window, Options.MaxBackoff)) },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>PostgreSQL keeps microseconds: the clock is read at that precision so that waits computed from stored times are exact.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }

    /// <summary>A counter idle past the window (and past any wait) starts again from zero.</summary>
    private (int Attempts, DateTimeOffset Last) Current((int Attempts, DateTimeOffset Last) counter, DateTimeOffset now) =>
        counter.Attempts == 0 || now - counter.Last > Max(Options.Window, Options.MaxBackoff) ? (0, counter.Last) : counter;

    private TimeSpan Wait((int Attempts, DateTimeOffset Last) counter, DateTimeOffset now, int allowed)
    {
        if (counter.Attempts < allowed) return TimeSpan.Zero;
        var until = counter.Last + Backoff(counter.Attempts - allowed);
        return until > now ? until - now : TimeSpan.Zero;
    }

    /// <summary>FirstBackoff × 2^excess, capped at MaxBackoff.</summary>
    private TimeSpan Backoff(int excess)
    {
        var factor = Math.Pow(2, Math.Min(excess, 30));
        var ticks = Math.Min(Options.FirstBackoff.Ticks * factor, Options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>
/// The database of the throttle's counters: the event store's (<see cref="ClassCommsDatabase"/>). Its table is part of Marten's
/// schema (<see cref="SchemaObject"/>): created by <c>resources setup</c> (at start in Development and Testing) and checked by
/// <c>resources check</c> and a start outside Development. Keys are blind indexes and addresses, never e-mails.
/// </summary>
public sealed class LoginThrottleStore(ClassCommsDatabase database)
{
    public const string Table = "classcomms.login_throttle";

    /// <summary>The counters table, for <c>StoreOptions.Storage.ExtendedSchemaObjects</c>.</summary>
    public static Weasel.Postgresql.Tables.Table SchemaObject()
    {
        var table = new Weasel.Postgresql.Tables.Table(Table) { PrimaryKeyName = "login_throttle_pkey" };
        table.AddColumn("key", "text").AsPrimaryKey();
        table.AddColumn("attempts", "integer").NotNull();
        table.AddColumn("last_at", "timestamptz").NotNull();
        return table;
    }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => database.DataSource.OpenConnectionAsync(ct);
}
