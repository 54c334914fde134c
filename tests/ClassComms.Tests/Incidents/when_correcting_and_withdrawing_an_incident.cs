using System.Net;
using ClassComms.Incidents;
using ClassComms.Tests.ErasureRequests;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Incidents;

/// <summary>
/// An incident is corrected (dates, text, categories, people; the earlier values stay in its history) and withdrawn rather than deleted: it
/// stays in the register marked withdrawn, with the reason, and nothing more is recorded on it.
/// </summary>
public sealed class when_correcting_and_withdrawing_an_incident(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/incidents";

    [Fact]
    public async Task a_correction_replaces_the_given_fields_moves_the_clock_and_keeps_the_history()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, new RecordIncident(Clock.GetUtcNow().AddHours(-30), Clock.GetUtcNow().AddHours(-2),
            "Class list e-mailed to the wrong parent", ["identity"], [world.Students[0]], 1, null), world.Dpo);

        var discovered = Clock.GetUtcNow().AddHours(-10);
        var view = await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, discovered, "Class list with grades e-mailed to the wrong parent", ["identity", "points"],
                [world.Students[0], world.Students[1]], null), world.Dpo, HttpStatusCode.OK);

        Assert.Equal(discovered, view.DiscoveredAt);
        Assert.Equal(discovered + TimeSpan.FromHours(72), view.AuthorityClock.DueAt);
        Assert.Equal("Class list with grades e-mailed to the wrong parent", view.Nature);
        Assert.Equal(["identity", "points"], view.DataCategories);
        Assert.Equal(2, view.SubjectCount);
        var full = await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo);
        Assert.Equal(["recorded", "corrected"], full.History!.Select(h => h.Kind));
        Assert.Equal(world.Dpo.UserId, full.History![1].Actor);
    }

    [Fact]
    public async Task bad_corrections_are_400s_naming_the_field_and_commit_nothing()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, new RecordIncident(Clock.GetUtcNow().AddHours(-30), Clock.GetUtcNow().AddHours(-2),
            "Lost USB key", ["identity"], [], 3, null), world.Dpo);
        var other = await Api.CreateWorld();
        var events = await ErasureRequestScenarios.EventCount(Store);

        var empty = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, null, null, null, null, null), world.Dpo);
        Assert.Contains("occurredAt", empty.Errors!.Keys);
        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, Clock.GetUtcNow().AddHours(-40), " ", ["gossip"], null, 1), world.Dpo);
        Assert.Equal(["dataCategories", "discoveredAt", "nature"], bad.Errors!.Keys.Order());
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, null, null, null, [Guid.NewGuid()], null), world.Dpo);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, null, "x", null, null, null), world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{Url}/{Guid.NewGuid()}/correction",
            new CorrectIncident(null, null, "x", null, null, null), world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, null, "x", null, null, null), other.Dpo);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
    }

    [Fact]
    public async Task a_withdrawn_incident_stays_in_the_register_marked_and_takes_nothing_more()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, new RecordIncident(Clock.GetUtcNow().AddHours(-30), Clock.GetUtcNow().AddHours(-2),
            "Recorded twice", ["identity"], [], 1, null), world.Dpo);

        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"{Url}/{created.IncidentId}/withdrawal", new WithdrawIncident("bored"), world.Dpo);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{Url}/{created.IncidentId}/withdrawal", new WithdrawIncident("duplicate"), world.Teacher);
        var withdrawn = await Api.Post<IncidentView>($"{Url}/{created.IncidentId}/withdrawal", new WithdrawIncident("duplicate"), world.Dpo,
            HttpStatusCode.OK);
        Assert.Equal(("duplicate", world.Dpo.UserId), (withdrawn.Withdrawal!.ReasonCode, withdrawn.Withdrawal.WithdrawnBy));
        Assert.Equal("withdrawn", withdrawn.AuthorityClock.State);

        var register = await Api.Get<List<IncidentView>>(Url, world.Dpo);
        Assert.Equal("duplicate", Assert.Single(register).Withdrawal!.ReasonCode);
        var events = await ErasureRequestScenarios.EventCount(Store);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{Url}/{created.IncidentId}/withdrawal", new WithdrawIncident("duplicate"), world.Dpo);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{Url}/{created.IncidentId}/correction",
            new CorrectIncident(null, null, "x", null, null, null), world.Dpo);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"{Url}/{created.IncidentId}/measures", new RecordIncidentMeasures("x"), world.Dpo);
        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        var full = await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo);
        Assert.Equal(["recorded", "withdrawn"], full.History!.Select(h => h.Kind));
        Assert.Equal("Recorded twice", full.Nature);
    }
}
