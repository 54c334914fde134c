using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

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

    /// <summary>Memory bound: counters kept per node; expired ones are pruned when it is reached.</summary>
    public int MaxTracked { get; set; } = 100_000;
}

/// <summary>
/// Login throttling with exponential backoff, per account and per client address, in this node's memory.
/// An attempt is counted before the password is checked (so parallel guesses cannot slip past the limit)
/// and given back when it succeeds. The account key is the e-mail's blind index, never the e-mail;
/// unknown e-mails are counted exactly like known ones, so the answer tells nothing about existence.
/// </summary>
public sealed class LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new();

    private LoginThrottleOptions Options => options.Value;

    public static string AccountKey(string emailIndex) => $"account:{emailIndex}";

    public static string AddressKey(IPAddress? address) => $"address:{address?.ToString() ?? "unknown"}";

    /// <summary>Reserves an attempt for both keys, or says how long to wait (nothing is counted then).</summary>
    public TimeSpan? TryAttempt(string accountKey, string addressKey)
    {
        var now = clock.GetUtcNow();
        var account = Get(accountKey, now);
        var address = Get(addressKey, now);
        lock (account)
        {
            lock (address)
            {
                var wait = Max(account.Wait(now, Options.AccountAttempts, Options), address.Wait(now, Options.AddressAttempts, Options));
                if (wait > TimeSpan.Zero) return wait;
                account.Count(now);
                address.Count(now);
                return null;
            }
        }
    }

    /// <summary>The password was right: the account's counter is cleared and the address gets its attempt back.</summary>
    public void Succeeded(string accountKey, string addressKey)
    {
        _counters.TryRemove(accountKey, out _);
        if (_counters.TryGetValue(addressKey, out var address))
        {
            lock (address) address.GiveBack();
        }
    }

    /// <summary>Forgets every counter (tests; an operator after an incident).</summary>
    public void Reset() => _counters.Clear();

    private Counter Get(string key, DateTimeOffset now)
    {
        if (_counters.Count >= Options.MaxTracked) Prune(now);
        return _counters.GetOrAdd(key, _ => new Counter());
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in _counters)
        {
            bool expired;
            lock (counter) expired = counter.Expired(now, Options);
            if (expired) _counters.TryRemove(key, out _);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Counter
    {
        private int _attempts;
        private DateTimeOffset _last;

        public void Count(DateTimeOffset now)
        {
            _attempts++;
            _last = now;
        }

        public void GiveBack() => _attempts = Math.Max(0, _attempts - 1);

        public TimeSpan Wait(DateTimeOffset now, int allowed, LoginThrottleOptions options)
        {
            if (Expired(now, options)) _attempts = 0;
            if (_attempts < allowed) return TimeSpan.Zero;
            var until = _last + Backoff(_attempts - allowed, options);
            return until > now ? until - now : TimeSpan.Zero;
        }

        public bool Expired(DateTimeOffset now, LoginThrottleOptions options) =>
            _attempts == 0 || now - _last > Max(options.Window, options.MaxBackoff);

        /// <summary>FirstBackoff × 2^excess, capped at MaxBackoff.</summary>
        private static TimeSpan Backoff(int excess, LoginThrottleOptions options)
        {
            var factor = Math.Pow(2, Math.Min(excess, 30));
            var ticks = Math.Min(options.FirstBackoff.Ticks * factor, options.MaxBackoff.Ticks);
            return TimeSpan.FromTicks((long)ticks);
        }
    }
}
