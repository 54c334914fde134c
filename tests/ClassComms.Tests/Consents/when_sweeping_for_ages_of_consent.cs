using System.Collections.Concurrent;
using System.Text;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Consents;

public sealed class when_sweeping_for_ages_of_consent(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeZoneInfo SchoolZone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto"); // the school default

    [Fact]
    public async Task setting_a_birth_date_leaves_no_birthday_derived_date_in_any_wolverine_table()
    {
        var world = await Api.CreateWorld();
        var (student, other) = (world.Students[0], world.Students[1]);
        await Api.SetJurisdiction(world.Leader, "CA-QC");
        var today = Today();
        // Far from today, so that no other scheduled envelope (quiet hours, expiries) can fall on the same date by chance.
        var birthDate = today.AddDays(200).AddYears(-14);
        var birthday = AgeOfConsent.Birthday(birthDate, 14, SchoolZone);
        await Api.SetBirthDate(world.Teacher, student, birthDate.ToString("yyyy-MM-dd"));
        await Api.SetBirthDate(world.Teacher, other, today.AddDays(201).AddYears(-13).ToString("yyyy-MM-dd"));
        await Api.SetJurisdiction(world.Leader, "FR"); // 15: every student is checked again, nothing is scheduled

        var otherBirthDate = today.AddDays(201).AddYears(-13);
        var dates = new[]
            {
                birthDate, otherBirthDate, DateOnly.FromDateTime(birthday.UtcDateTime),
                DateOnly.FromDateTime(AgeOfConsent.Birthday(birthDate, 15, SchoolZone).UtcDateTime),
                DateOnly.FromDateTime(AgeOfConsent.Birthday(otherBirthDate, 14, SchoolZone).UtcDateTime),
                DateOnly.FromDateTime(AgeOfConsent.Birthday(otherBirthDate, 15, SchoolZone).UtcDateTime),
            }
            .SelectMany(d => new[] { d, d.AddDays(-1), d.AddDays(1) }) // the birthday's midnight in any zone
            .Select(d => d.ToString("yyyy-MM-dd")).Distinct().ToList();
        var rows = await WolverineRows();
        Assert.NotEmpty(rows.Keys); // the scan found Wolverine's tables
        foreach (var (table, texts) in rows)
        {
            foreach (var text in texts)
            {
                foreach (var date in dates)
                {
                    Assert.False(text.Contains(date, StringComparison.Ordinal), $"{table} holds the birthday-derived date {date}");
                    Assert.False(text.Contains(Hex(date), StringComparison.OrdinalIgnoreCase), $"{table} holds the birthday-derived date {date} in a body");
                }
            }
        }
    }

    [Fact]
    public async Task the_sweep_runs_the_step_once_after_the_birthday_has_passed_and_a_second_sweep_does_nothing_more()
    {
        var world = await Api.CreateWorld();
        var (student, younger) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, student);
        await Api.SetJurisdiction(world.Leader, "CA-QC");
        await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);
        var pushes = new ConcurrentQueue<AgeOfConsentNotice>();
        await using var mumsPhone = HubClient.NewConnection(Host.GetTestServer(), mum.Token);
        mumsPhone.On<AgeOfConsentNotice>(nameof(INotificationClient.AgeOfConsentReached), pushes.Enqueue);
        await mumsPhone.StartAsync();
        var today = Today();
        await Api.SetBirthDate(world.Teacher, student, today.AddDays(3).AddYears(-14).ToString("yyyy-MM-dd"));
        await Api.SetBirthDate(world.Teacher, younger, today.AddDays(30).AddYears(-14).ToString("yyyy-MM-dd"));

        Assert.Equal(0, await Sweep()); // before the birthday: nothing
        Assert.Empty((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());

        Clock.Advance(TimeSpan.FromDays(4));
        Assert.Equal(1, await Sweep());
        Assert.Equal(0, await Sweep()); // idempotent: the student is of age, nothing more

        var reached = Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());
        Assert.Equal([ConsentPurposes.ClassStoryMedia], reached.Reasked);
        Assert.Empty((await Store.StreamEvents(world.SchoolId, younger)).OfType<StudentReachedAgeOfConsent>());
        Assert.Equal(GetConsentsEndpoint.TheStudent, (await Api.Consents(mum, student)).DecidedBy);
        for (var i = 0; i < 400 && pushes.IsEmpty; i++) await Task.Delay(50);
        Assert.Equal(student, Assert.Single(pushes).StudentId);
    }

    [Fact]
    public async Task a_node_finding_the_sweep_held_by_another_skips_it()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        await Api.SetJurisdiction(world.Leader, "CA-QC");
        await Api.SetBirthDate(world.Teacher, student, Today().AddDays(3).AddYears(-14).ToString("yyyy-MM-dd"));
        Clock.Advance(TimeSpan.FromDays(4));

        // Not pooled, as another node's own connection.
        var unpooled = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten")) { Pooling = false };
        await using (var otherNode = new NpgsqlConnection(unpooled.ConnectionString))
        {
            await otherNode.OpenAsync();
            await using var take = new NpgsqlCommand("select pg_advisory_lock(hashtextextended(@key, 0))", otherNode);
            take.Parameters.AddWithValue("key", AgeOfConsentSweep.LockKey);
            await take.ExecuteScalarAsync();

            Assert.Null(await Host.Services.GetRequiredService<AgeOfConsentSweep>().RunAsync(CancellationToken.None));
            Assert.Empty((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());

            // The other node's sweep ends (released before closing: a closed session's lock goes only once its backend has ended).
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended(@key, 0))", otherNode);
            release.Parameters.AddWithValue("key", AgeOfConsentSweep.LockKey);
            Assert.Equal(true, await release.ExecuteScalarAsync());
        }

        Assert.Equal(1, await Sweep()); // the lock is free again
        Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), SchoolZone).DateTime);

    private async Task<int> Sweep() =>
        await Host.Services.GetRequiredService<AgeOfConsentSweep>().RunAsync(CancellationToken.None) ?? throw new InvalidOperationException("the sweep was held");

    private static string Hex(string text) => Convert.ToHexString(Encoding.UTF8.GetBytes(text));

    /// <summary>Every row of every Wolverine table (incoming, outgoing, scheduled, dead letters, …) as PostgreSQL prints it.</summary>
    private static async Task<Dictionary<string, List<string>>> WolverineRows()
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var find = new NpgsqlCommand(
                         "select format('%I.%I', table_schema, table_name) from information_schema.tables where table_name like 'wolverine%'", connection))
        await using (var reader = await find.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }

        var rows = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"select t::text from {table} t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            var texts = new List<string>();
            while (await reader.ReadAsync()) texts.Add(reader.GetString(0));
            rows[table] = texts;
        }

        return rows;
    }
}
