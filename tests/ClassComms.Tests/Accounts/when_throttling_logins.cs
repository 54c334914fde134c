using System.Diagnostics.Metrics;
using System.Net;
using ClassComms.Accounts;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClassComms.Tests.Accounts;

public sealed class when_throttling_logins(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_hundred_wrong_passwords_then_the_right_one_are_answered_429_with_retry_after()
    {
        var leader = await Api.CreateSchool();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            var (status, _, _) = await Api.Send(HttpMethod.Post, "/api/auth/login", new Login(leader.Email, $"wrong password {i}"), null,
                Support.Api.FromNewAddress);
            statuses.Add(status);
        }

        Assert.All(statuses.Take(AppFixture.LoginAttemptsPerAccount), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(AppFixture.LoginAttemptsPerAccount), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        var (right, body, result) = await Api.Send(HttpMethod.Post, "/api/auth/login", new Login(leader.Email, Support.Api.Password), null,
            Support.Api.FromNewAddress);
        Assert.Equal(HttpStatusCode.TooManyRequests, right);
        Assert.StartsWith("application/problem+json", result.Context.Response.ContentType);
        Assert.True(int.Parse(result.Context.Response.Headers.RetryAfter.ToString()) > 0);
        Assert.DoesNotContain(leader.Email, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task the_counters_hold_a_keyed_index_of_the_client_address_never_the_address()
    {
        var leader = await Api.CreateSchool();
        var address = new IPAddress([10, 77, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
        var (status, _, _) = await Api.Send(HttpMethod.Post, "/api/auth/login", new Login(leader.Email, "a wrong password"), null,
            s => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address));
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        var index = Host.Services.GetRequiredService<ClassComms.PersonalData.BlindIndex>();
        await using var connection = await Host.Services.GetRequiredService<LoginThrottleStore>().OpenAsync(CancellationToken.None);
        await using var read = new Npgsql.NpgsqlCommand($"select key from {LoginThrottleStore.Table}", connection);
        var keys = new List<string>();
        await using (var reader = await read.ExecuteReaderAsync()) while (await reader.ReadAsync()) keys.Add(reader.GetString(0));

        Assert.DoesNotContain(keys, k => k.Contains(address.ToString(), StringComparison.Ordinal));
        Assert.Contains("address:" + index.Of(LoginThrottle.AddressPurpose, address.ToString()), keys);
    }

    [Fact]
    public async Task an_unknown_email_is_throttled_like_a_known_one()
    {
        var unknown = Support.Api.NewEmail("nobody");
        for (var i = 0; i < AppFixture.LoginAttemptsPerAccount; i++)
        {
            await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(unknown, "wrong password"), null,
                Support.Api.FromNewAddress);
        }

        await Api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/auth/login", new Login(unknown, "wrong password"), null,
            Support.Api.FromNewAddress);
    }

    [Fact]
    public async Task one_address_guessing_many_accounts_is_throttled_and_others_still_sign_in()
    {
        var leader = await Api.CreateSchool();
        for (var i = 0; i < AppFixture.LoginAttemptsPerAddress; i++)
        {
            await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login",
                new Login(Support.Api.NewEmail("guess"), "wrong password"), null, FromAttacker);
        }

        await Api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/auth/login", new Login(leader.Email, Support.Api.Password), null,
            FromAttacker);
        await Api.Expect<LoginSucceeded>(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login", new Login(leader.Email, Support.Api.Password),
            null, Support.Api.FromNewAddress);
    }

    [Fact]
    public async Task a_successful_login_clears_the_accounts_failures()
    {
        var leader = await Api.CreateSchool();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < AppFixture.LoginAttemptsPerAccount - 1; i++)
            {
                await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(leader.Email, "wrong password"), null,
                    Support.Api.FromNewAddress);
            }

            await Api.Expect<LoginSucceeded>(HttpStatusCode.OK, HttpMethod.Post, "/api/auth/login",
                new Login(leader.Email, Support.Api.Password), null, Support.Api.FromNewAddress);
        }
    }

    [Fact]
    public async Task unknown_erased_and_wrong_password_logins_each_verify_one_password_hash()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var (erasure, _, _) = await Api.Send(HttpMethod.Post, $"/api/privacy/guardians/{guardian.UserId}/erasure", null, world.Dpo);
        Assert.Contains(erasure, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });

        using var verifications = new VerificationCounter();
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("nobody"), "a password"),
            null, Support.Api.FromNewAddress);
        Assert.Equal(1, verifications.Count);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(guardian.Email, Support.Api.Password), null,
            Support.Api.FromNewAddress);
        Assert.Equal(2, verifications.Count);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(world.Teacher.Email, "a wrong password"),
            null, Support.Api.FromNewAddress);
        Assert.Equal(3, verifications.Count);
    }

    [Fact]
    public void an_erased_or_unknown_account_never_verifies_even_with_an_empty_hash()
    {
        var passwords = Host.Services.GetRequiredService<Passwords>();
        Assert.False(passwords.Verify(null, ""));
        Assert.False(passwords.Verify(new LoginAccount { PasswordHash = "" }, ""));
        var erased = new LoginAccount { ErasedAt = DateTimeOffset.UnixEpoch };
        erased.PasswordHash = passwords.Hash(erased, "the password");
        Assert.False(passwords.Verify(erased, "the password"));
        var live = new LoginAccount();
        live.PasswordHash = passwords.Hash(live, "the password");
        Assert.True(passwords.Verify(live, "the password"));
    }

    [Fact]
    public async Task the_wait_grows_with_each_failure_and_ends_when_it_has_passed()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-09-01T08:00:00Z"));
        var store = Host.Services.GetRequiredService<LoginThrottleStore>();
        var throttle = new LoginThrottle(Options.Create(new LoginThrottleOptions
        {
            AccountAttempts = 3, AddressAttempts = 1000, FirstBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromMinutes(4),
            Window = TimeSpan.FromMinutes(15),
        }), clock, store, Host.Services.GetRequiredService<ClassComms.PersonalData.BlindIndex>());
        string account = $"account:{Guid.NewGuid():N}", address = $"address:{Guid.NewGuid():N}";
        Task<TimeSpan?> Attempt() => throttle.TryAttemptAsync(account, address, CancellationToken.None);

        for (var i = 0; i < 3; i++) Assert.Null(await Attempt());
        Assert.Equal(TimeSpan.FromSeconds(30), await Attempt());
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(20), await Attempt());

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            clock.Advance((await Attempt())!.Value);
            Assert.Null(await Attempt());
            waits.Add((await Attempt())!.Value);
        }

        Assert.Equal([60, 120, 240, 240, 240], waits.Select(w => (int)w.TotalSeconds));

        clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 3; i++) Assert.Null(await Attempt());
        await throttle.SucceededAsync(account, address, CancellationToken.None);
        Assert.Null(await Attempt());
    }

    [Fact]
    public async Task failures_on_one_node_count_on_another()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var onB = new Support.Api(nodeB);
        var leader = await Api.CreateSchool();
        for (var i = 0; i < AppFixture.LoginAttemptsPerAccount; i++)
        {
            await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(leader.Email, "wrong password"), null,
                Support.Api.FromNewAddress);
        }

        var (status, _, result) = await onB.Send(HttpMethod.Post, "/api/auth/login", new Login(leader.Email, Support.Api.Password), null,
            Support.Api.FromNewAddress);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(int.Parse(result.Context.Response.Headers.RetryAfter.ToString()) > 0);
    }

    [Fact]
    public async Task parallel_wrong_passwords_on_two_nodes_are_counted_once_each()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var onB = new Support.Api(nodeB);
        var leader = await Api.CreateSchool();
        var attempts = Enumerable.Range(0, 2 * AppFixture.LoginAttemptsPerAccount).Select(i => (i % 2 == 0 ? Api : onB)
            .Send(HttpMethod.Post, "/api/auth/login", new Login(leader.Email, $"wrong password {i}"), null, Support.Api.FromNewAddress));
        var statuses = (await Task.WhenAll(attempts)).Select(a => a.Status).ToList();

        Assert.Equal(AppFixture.LoginAttemptsPerAccount, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(AppFixture.LoginAttemptsPerAccount, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    private static void FromAttacker(Alba.Scenario s) => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.66"));

    /// <summary>Counts the password hash verifications the API reports through its meter.</summary>
    private sealed class VerificationCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public VerificationCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Passwords.MeterName && instrument.Name == Passwords.VerificationsInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
