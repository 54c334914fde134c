using System.Net;
using System.Text;
using System.Text.Json;
using ClassComms.Dpo;
using ClassComms.Incidents;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Incidents;

public sealed class when_keeping_the_incident_register(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/incidents";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private RecordIncident NewIncident(World world, string nature = "Laptop with class lists left on the bus by Ada's teacher") =>
        new(Clock.GetUtcNow().AddHours(-30), Clock.GetUtcNow().AddHours(-2), nature, ["identity", "points"], [world.Students[0], world.Students[1]], 25,
            "Remote wipe requested");

    [Fact]
    public async Task the_dpo_records_assesses_and_notifies_and_every_change_is_an_event_with_actor_and_time()
    {
        var world = await Api.CreateWorld();

        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        var running = await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo);
        Assert.Equal("running", running.AuthorityClock.State);
        Assert.Equal(running.DiscoveredAt + TimeSpan.FromHours(72), running.AuthorityClock.DueAt);

        await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/risk-assessment",
            new AssessIncidentRisk("high", "Identity theft of the families", "likely", true, "Names with grades, unencrypted disk"), world.Dpo,
            HttpStatusCode.OK);
        await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/measures", new RecordIncidentMeasures("Disk wiped; passwords reset"), world.Dpo,
            HttpStatusCode.OK);
        var notifiedAt = Clock.GetUtcNow().AddMinutes(-5);
        await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/notifications",
            new RecordIncidentNotification("authority", notifiedAt, "cai", "CAI-2026-17", null, null), world.Dpo, HttpStatusCode.OK);
        var view = await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/notifications",
            new RecordIncidentNotification("people", notifiedAt, null, null, 25, "letter"), world.Dpo, HttpStatusCode.OK);

        Assert.Equal("Disk wiped; passwords reset", view.Measures);
        Assert.True(view.Risk!.Serious);
        Assert.Equal("Names with grades, unencrypted disk", view.Risk.Reasoning);
        Assert.Equal("CAI-2026-17", Assert.Single(view.AuthorityNotifications).Reference);
        Assert.Equal(25, Assert.Single(view.PeopleNotifications).Count);
        Assert.Equal("notified", view.AuthorityClock.State);

        var full = await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo);
        Assert.Equal(["recorded", "riskAssessed", "measuresRecorded", "authorityNotified", "peopleNotified"], full.History!.Select(h => h.Kind));
        Assert.All(full.History!, h => Assert.Equal(world.Dpo.UserId, h.Actor));
        Assert.Equal([world.Students[0], world.Students[1]], full.SubjectIds);
        Assert.Equal("Laptop with class lists left on the bus by Ada's teacher", full.Nature);
    }

    [Fact]
    public async Task the_72_hour_clock_turns_overdue_without_a_notification_and_late_after_one()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);

        Clock.Advance(TimeSpan.FromHours(71));
        Assert.Equal("overdue", (await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo)).AuthorityClock.State);
        var late = await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/notifications",
            new RecordIncidentNotification("authority", Clock.GetUtcNow(), "supervisory", null, null, null), world.Dpo, HttpStatusCode.OK);

        Assert.Equal("notifiedLate", late.AuthorityClock.State);
        Assert.True(late.AuthorityClock.HoursSinceDiscovery >= 72);
    }

    [Fact]
    public async Task only_the_dpo_keeps_the_register_and_bad_input_is_a_400_naming_the_fields_that_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        foreach (var other in new[] { world.Teacher, world.Leader, guardian })
        {
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Url, NewIncident(world), other);
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, Url, null, other);
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, $"{Url}/export", null, other);
        }

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url,
            new RecordIncident(Clock.GetUtcNow().AddHours(1), Clock.GetUtcNow().AddHours(-1), " ", ["names"], [Guid.NewGuid()], 0, null), world.Dpo);
        Assert.Equal(["dataCategories", "discoveredAt", "nature", "occurredAt", "subjectCount"], problem.Errors!.Keys.Order());
        var stranger = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url,
            NewIncident(world) with { SubjectIds = [Guid.NewGuid()] }, world.Dpo);
        Assert.Equal(["subjectIds"], stranger.Errors!.Keys);

        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        var badNotice = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/notifications",
            new RecordIncidentNotification("people", Clock.GetUtcNow(), "cai", null, 0, "pigeon"), world.Dpo);
        Assert.Equal(["authority", "count", "means"], badNotice.Errors!.Keys.Order());
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/risk-assessment",
            new AssessIncidentRisk("extreme", "", "likely", null, "x"), world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{Url}/{Guid.NewGuid()}/measures", new RecordIncidentMeasures("x"), world.Dpo);
        var otherSchool = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"{Url}/{created.IncidentId}", null, otherSchool.Dpo);

        await using var session = Store.QuerySession(world.SchoolId.ToString("D"));
        Assert.Single(await session.Events.FetchStreamAsync(created.IncidentId));
        Assert.Equal(1, await session.Query<Incident>().CountAsync());
        Assert.Single(await Api.Get<List<IncidentView>>(Url, world.Dpo));
    }

    [Fact]
    public async Task the_free_text_is_sealed_and_no_table_holds_it_in_plaintext()
    {
        var world = await Api.CreateWorld();
        const string nature = "Incident-nature-Zyxwvut naming Ada";
        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world, nature), world.Dpo);
        await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/risk-assessment",
            new AssessIncidentRisk("medium", "Consequence-Qwertyuiop", "possible", false, "Reasoning-Asdfghjkl"), world.Dpo, HttpStatusCode.OK);

        var dump = await DatabaseDump.TakeAsync();

        Assert.Equal(nature, (await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo)).Nature);
        Assert.DoesNotContain("Zyxwvut", dump);
        Assert.DoesNotContain("Qwertyuiop", dump);
        Assert.DoesNotContain("Asdfghjkl", dump);
        Assert.DoesNotContain("Remote wipe requested", dump);
    }

    [Fact]
    public async Task the_register_exports_as_json_and_csv_and_a_signed_export_verifies_offline_with_the_school_key()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world, "=HYPERLINK(\"x\") \"quoted\""), world.Dpo);

        var (status, body, result) = await Api.Send(HttpMethod.Get, $"{Url}/export?signed=true", null, world.Dpo);
        Assert.Equal(HttpStatusCode.OK, status);
        var export = JsonSerializer.Deserialize<IncidentRegisterExport>(body, Json)!;
        Assert.Equal(created.IncidentId, Assert.Single(export.Incidents).IncidentId);
        Assert.Equal("recorded", Assert.Single(export.Incidents[0].History!).Kind);
        var headers = result.Context.Response.Headers;
        var signature = new DetachedSignature(headers[ExportIncidentsEndpoint.SignatureKeyIdHeader]!, headers[ExportIncidentsEndpoint.SignatureAlgorithmHeader]!,
            headers[ExportIncidentsEndpoint.SignatureHeader]!);
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Dpo);
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.True(SchoolSigning.Verify(bytes, signature, key.PublicKeyPem));
        bytes[^2] ^= 1;
        Assert.False(SchoolSigning.Verify(bytes, signature, key.PublicKeyPem));

        var (csvStatus, csv, csvResult) = await Api.Send(HttpMethod.Get, $"{Url}/export?format=csv", null, world.Dpo);
        Assert.Equal(HttpStatusCode.OK, csvStatus);
        Assert.StartsWith("text/csv", csvResult.Context.Response.ContentType);
        Assert.False(csvResult.Context.Response.Headers.ContainsKey(ExportIncidentsEndpoint.SignatureHeader));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("incidentId,occurredAt,discoveredAt,nature", lines[0]);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\") \"\"quoted\"\"\"", lines[1]);

        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{Url}/export?format=xml", null, world.Dpo);
        Assert.Equal(["format"], bad.Errors!.Keys);
    }
}
