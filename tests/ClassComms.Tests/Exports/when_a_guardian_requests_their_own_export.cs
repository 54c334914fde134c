using System.Net;
using ClassComms.Dpo;
using ClassComms.Exports;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Exports.Exports;

namespace ClassComms.Tests.Exports;

/// <summary>webparent: a parent requests a subject access export of their own data, follows it and downloads it.</summary>
public sealed class when_a_guardian_requests_their_own_export(AppFixture app) : IntegrationTest(app)
{
    private static Task<ExportView> RequestMine(Api api, Session guardian) =>
        api.Post<ExportView>("/api/guardians/me/exports", new RequestMyExport("en"), guardian, HttpStatusCode.Accepted);

    [Fact]
    public async Task the_parents_request_is_the_dpos_with_its_deadline_and_the_parent_follows_and_downloads_it()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var export = await RequestMine(Api, family.Guardian);
        Assert.Equal(ExportKinds.Guardian, export.SubjectKind);
        Assert.Equal(family.Guardian.UserId, export.SubjectId);
        Assert.Equal(family.Guardian.UserId, export.RequestedBy);
        Assert.Equal(ExportKinds.All, export.Scope);
        Assert.True(export.DueAt > export.RequestedAt);

        // The DPO sees it among the open requests, with its deadline clock.
        var seen = Assert.Single(await Api.Get<List<ExportView>>("/api/exports?open=true", dpo));
        Assert.Equal(export.ExportId, seen.ExportId);
        Assert.Equal(export.DueAt, seen.DueAt);

        // One open request at a time.
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, "/api/guardians/me/exports", new RequestMyExport(null), family.Guardian);

        var done = await Api.ExportCompleted(family.Guardian, export.ExportId);
        Assert.Equal(export.ExportId, Assert.Single(await Api.Get<List<ExportView>>("/api/guardians/me/exports", family.Guardian)).ExportId);
        Assert.True(done.Size > 0);
        var (status, zip) = await App.DownloadExport(family.Guardian, export.ExportId);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(family.Guardian.Email, Items(Unzip(zip), "profile").GetRawText());
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, export.ExportId)).Status);

        // Answered: another may be requested.
        await RequestMine(Api, family.Guardian);
        Assert.Equal(2, (await Api.Get<List<ExportView>>("/api/guardians/me/exports", family.Guardian)).Count);
    }

    [Fact]
    public async Task another_parent_or_staff_get_404_for_a_parents_export_and_staff_cannot_use_the_parents_path()
    {
        var family = await App.BuildFamily(Api);
        var export = await RequestMine(Api, family.Guardian);
        await Api.ExportCompleted(family.Guardian, export.ExportId);

        var otherSchool = await Api.CreateWorld();
        foreach (var stranger in new[] { family.OtherGuardian, family.World.Teacher, family.World.Leader, otherSchool.Dpo })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(stranger, export.ExportId)).Status);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/exports/{export.ExportId}", null, stranger);
        }

        Assert.Empty(await Api.Get<List<ExportView>>("/api/guardians/me/exports", family.OtherGuardian));
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/guardians/me/exports", new RequestMyExport(null), family.World.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/guardians/me/exports", new RequestMyExport(null), family.World.Dpo);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/guardians/me/exports", null, family.World.Teacher);
        // The DPO's path is unchanged: a parent still cannot request through it.
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/exports",
            new RequestExport(ExportKinds.Guardian, family.Guardian.UserId, "all", null), family.Guardian);
    }

    [Fact]
    public async Task a_parent_cannot_follow_or_download_an_export_the_dpo_made_of_them_and_a_bad_language_is_a_400_recording_nothing()
    {
        var family = await App.BuildFamily(Api);
        var byDpo = await Api.RequestExport(family.World.Dpo, ExportKinds.Guardian, family.Guardian.UserId);
        await Api.ExportCompleted(family.World.Dpo, byDpo.ExportId);
        Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(family.Guardian, byDpo.ExportId)).Status);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/exports/{byDpo.ExportId}", null, family.Guardian);
        Assert.Empty(await Api.Get<List<ExportView>>("/api/guardians/me/exports", family.Guardian));

        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/exports", new RequestMyExport("de"), family.Guardian);
        Assert.Equal("language", Assert.Single(bad.Errors!.Keys));
        Assert.Single(await Api.Get<List<ExportView>>("/api/exports", family.World.Dpo));
    }
    /// <summary>webdpo3: Law 25's portability right covers what the person provided: a parent may ask for only that.</summary>
    [Fact]
    public async Task a_parent_may_ask_for_only_what_they_provided_and_without_a_scope_gets_everything()
    {
        var family = await App.BuildFamily(Api);
        var portable = await Api.Post<ExportView>("/api/guardians/me/exports", new RequestMyExport("en", ExportKinds.ProvidedBySubject), family.Guardian,
            HttpStatusCode.Accepted);
        Assert.Equal(ExportKinds.ProvidedBySubject, portable.Scope);
        await Api.ExportCompleted(family.Guardian, portable.ExportId);
        var files = Unzip((await App.DownloadExport(family.Guardian, portable.ExportId)).Bytes);
        var profile = Items(files, "profile");
        Assert.All(profile.EnumerateArray(), i => Assert.Equal(Provenance.ProvidedBySubject, i.GetProperty("provenance").GetString()));
        Assert.Contains(family.Guardian.Email, profile.GetRawText());
        // The role and membership date were recorded by the school, not provided by the parent: not in the portable copy.
        Assert.DoesNotContain(profile.EnumerateArray(), i => i.GetProperty("field").GetString() == "role");

        var all = await RequestMine(Api, family.Guardian);
        Assert.Equal(ExportKinds.All, all.Scope);
        await Api.ExportCompleted(family.Guardian, all.ExportId);
        Assert.Contains(Items(Unzip((await App.DownloadExport(family.Guardian, all.ExportId)).Bytes), "profile").EnumerateArray(),
            i => i.GetProperty("field").GetString() == "role");
    }

    [Fact]
    public async Task a_bad_scope_is_a_400_naming_the_field_and_records_nothing()
    {
        var family = await App.BuildFamily(Api);
        foreach (var scope in new[] { "everything", "", new string('x', 1_000_000) })
        {
            var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/exports", new RequestMyExport(null, scope),
                family.Guardian);
            Assert.Equal("scope", Assert.Single(bad.Errors!.Keys));
        }

        Assert.Empty(await Api.Get<List<ExportView>>("/api/guardians/me/exports", family.Guardian));
        Assert.Empty(await Api.Get<List<ExportView>>("/api/exports", family.World.Dpo));
    }
    /// <summary>
    /// webdpo3: GDPR art. 12(3) extends the period to respond; once the export is built the request is answered, so an extension is
    /// refused (the web test extends one while its build is held instead).
    /// </summary>
    [Fact]
    public async Task an_export_already_built_is_answered_and_its_deadline_cannot_be_extended()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        await Api.Post<PrivacyRegimeView>("/api/school/privacy-regime", new SetPrivacyRegime("gdpr"), dpo, HttpStatusCode.OK);
        var export = await RequestMine(Api, family.Guardian);
        var done = await Api.ExportCompleted(family.Guardian, export.ExportId);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/exports/{export.ExportId}/extension", new ExtendExportDeadline("Late"), dpo);
        var after = await Api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo);
        Assert.False(after.Extended);
        Assert.Equal(done.DueAt, after.DueAt);
    }
}
