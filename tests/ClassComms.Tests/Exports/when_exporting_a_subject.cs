using System.Net;
using System.Text;
using ClassComms.Dpo;
using ClassComms.Exports;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using static ClassComms.Tests.Exports.Exports;

namespace ClassComms.Tests.Exports;

public sealed class when_exporting_a_subject(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_student_export_holds_every_item_of_every_feature_and_nothing_about_the_classmate_or_their_family()
    {
        var family = await App.BuildFamily(Api);
        var zip = await App.ExportZip(Api, family.World.Dpo, ExportKinds.Student, family.Student, language: "fr");
        var files = Unzip(zip);
        var text = Text(files);

        // Every feature's items, by id and by content.
        Assert.Contains(StudentName, Items(files, "profile").GetRawText());
        Assert.Contains("2016-04-09", Items(files, "profile").GetRawText());
        Assert.Contains(family.PointId.ToString(), Items(files, "points").GetRawText());
        Assert.Contains(Note, Items(files, "points").GetRawText());
        var messages = Items(files, "messages").GetRawText();
        foreach (var id in new[] { family.TeacherMessage, family.GuardianMessage, family.AnnouncementMessage }) Assert.Contains(id.ToString(), messages);
        Assert.Contains(TeacherText, messages);
        Assert.Contains(GuardianText, messages);
        Assert.Contains("homework-sheet.pdf", messages);
        Assert.Contains(family.PostId.ToString(), Items(files, "story-appearances").GetRawText());
        Assert.Contains(StoryText, Items(files, "story-appearances").GetRawText());
        Assert.Contains(family.PortfolioItem.ToString(), Items(files, "portfolio").GetRawText());
        Assert.Contains(PortfolioCaption, Items(files, "portfolio").GetRawText());
        Assert.Contains(TeacherComment, Items(files, "portfolio").GetRawText());
        var consents = Items(files, "consents").GetRawText();
        Assert.Contains("classStoryMedia", consents);
        Assert.Contains(Evidence, consents);
        Assert.Equal(1, Items(files, "guardian-links").GetArrayLength());

        // The media files, decrypted, and named in the items that point at them.
        foreach (var media in new[] { family.GuardianAttachment, family.StoryPhoto, family.PortfolioPhoto })
        {
            var path = files.Keys.SingleOrDefault(k => k.StartsWith($"media/{media:N}"));
            Assert.True(path is not null, $"media {media} is missing from the ZIP");
            Assert.Contains(path, text);
        }

        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(files[files.Keys.Single(k => k.StartsWith($"media/{family.GuardianAttachment:N}"))][..4]));

        // Others by role only; the classmate tagged in the same photo, their guardian, their thread and point: nowhere, not even as ids.
        Assert.Contains("\"guardian\"", messages);
        Assert.Contains("\"teacher\"", messages);
        var everything = Encoding.UTF8.GetString(files.Values.SelectMany(v => v).ToArray());
        foreach (var other in new[] { ClassmateName, OtherGuardianName, GuardianName, "Theo Teacher", OtherNote, OtherText, family.Classmate.ToString(),
                     family.OtherGuardian.UserId.ToString(), family.Guardian.UserId.ToString(), family.World.Teacher.UserId.ToString(),
                     family.OtherThreadId.ToString(), family.OtherPointId.ToString(), OtherGuardianName.Split(' ')[1] })
        {
            Assert.DoesNotContain(other, everything);
        }

        // A summary page in French, self-contained; a schema; a signed manifest that verifies with the school's public key.
        var summary = Encoding.UTF8.GetString(files["summary.html"]);
        Assert.Contains("lang=\"fr\"", summary);
        Assert.Contains("Vos renseignements personnels", summary);
        Assert.Contains(StudentName, summary);
        Assert.DoesNotContain("http", summary);
        Assert.DoesNotContain("<script", summary);
        Assert.Contains(ExportSchema.Version, Encoding.UTF8.GetString(files["schema.json"]));
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", family.World.Dpo);
        Assert.Empty(ExportManifest.Verify(new MemoryStream(zip), key.PublicKeyPem));
    }

    [Fact]
    public async Task a_student_export_holds_who_on_the_staff_read_their_data_by_role_and_nothing_of_another_students_log()
    {
        var world = await Api.CreateWorld();
        var (student, classmate) = (world.Students[0], world.Students[1]);
        await Api.GetStudent(world.Teacher, student);
        await Api.GetHistory(world.Leader, student);
        await Api.GetStudent(world.Teacher, classmate);

        var files = Unzip(await App.ExportZip(Api, world.Dpo, ExportKinds.Student, student, language: "en"));

        var entries = Items(files, "access-log").EnumerateArray().ToList();
        Assert.Equal([("teacher", "record"), ("leader", "points")],
            entries.Select(e => (e.GetProperty("readBy").GetString(), e.GetProperty("kind").GetString())));
        Assert.All(entries, e => Assert.Equal(Provenance.CreatedByStaff, e.GetProperty("provenance").GetString()));
        Assert.All(entries, e => Assert.False(e.GetProperty("shredded").GetBoolean()));
        var everything = Encoding.UTF8.GetString(files.Values.SelectMany(v => v).ToArray());
        foreach (var other in new[] { world.Teacher.UserId, world.Leader.UserId, classmate }) Assert.DoesNotContain(other.ToString(), everything);
        Assert.Contains("access-log", Encoding.UTF8.GetString(files["schema.json"]));
        Assert.Contains("Who on the staff read the data", Encoding.UTF8.GetString(files["summary.html"]));
        Assert.Contains("school leader", Encoding.UTF8.GetString(files["summary.html"]));

        // Portability: the log is not something the student provided.
        var portable = Unzip(await App.ExportZip(Api, world.Dpo, ExportKinds.Student, student, ExportKinds.ProvidedBySubject));
        Assert.Equal(0, Items(portable, "access-log").GetArrayLength());
    }

    [Fact]
    public async Task a_guardian_export_holds_their_messages_consents_links_and_portability_keeps_only_what_they_provided()
    {
        var family = await App.BuildFamily(Api);
        var files = Unzip(await App.ExportZip(Api, family.World.Dpo, ExportKinds.Guardian, family.Guardian.UserId, language: "en"));
        Assert.Contains(GuardianName, Items(files, "profile").GetRawText());
        Assert.Contains(family.Guardian.Email, Items(files, "profile").GetRawText());
        Assert.Contains(GuardianText, Items(files, "messages").GetRawText());
        Assert.Contains(TeacherText, Items(files, "messages").GetRawText());
        Assert.Contains(family.Student.ToString(), Items(files, "guardian-links").GetRawText());
        Assert.Contains("classStoryMedia", Items(files, "consents").GetRawText());
        Assert.Contains("Your personal data", Encoding.UTF8.GetString(files["summary.html"]));
        var everything = Encoding.UTF8.GetString(files.Values.SelectMany(v => v).ToArray());
        foreach (var other in new[] { OtherGuardianName, ClassmateName, OtherText, family.Classmate.ToString(), family.OtherGuardian.UserId.ToString() })
        {
            Assert.DoesNotContain(other, everything);
        }

        var portable = Unzip(await App.ExportZip(Api, family.World.Dpo, ExportKinds.Guardian, family.Guardian.UserId, ExportKinds.ProvidedBySubject));
        var portableMessages = Items(portable, "messages").GetRawText();
        Assert.Contains(GuardianText, portableMessages);
        Assert.DoesNotContain(TeacherText, portableMessages);
        Assert.Contains(portable.Keys, k => k.StartsWith($"media/{family.GuardianAttachment:N}"));
        foreach (var kind in new[] { "profile", "messages", "consents", "guardian-links", "story-contributions" })
        {
            Assert.All(Items(portable, kind).EnumerateArray(), i => Assert.Equal(Provenance.ProvidedBySubject, i.GetProperty("provenance").GetString()));
        }
    }

    [Fact]
    public async Task only_the_dpo_of_the_school_requests_reads_and_downloads_and_refused_requests_record_nothing()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var request = new RequestExport(ExportKinds.Student, family.Student, "all", null);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/exports", request, family.World.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/exports", request, family.Guardian);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/exports", null, family.World.Leader);

        var otherLeader = await Api.CreateSchool("Other School", "Olaf Leader");
        var otherDpo = await Api.CreateStaff(otherLeader, "dpo", "Odile Dpo");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/exports", request, otherDpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/exports", request with { SubjectKind = ExportKinds.Guardian }, dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/exports", request with { SubjectId = Guid.NewGuid() }, dpo);

        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/exports", new RequestExport("pet", null, "some", "de"), dpo);
        Assert.Equal(["language", "scope", "subjectId", "subjectKind"], bad.Errors!.Keys.Order().ToArray());
        Assert.Empty(await Api.Get<List<ExportView>>("/api/exports", dpo));

        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.ExportCompleted(dpo, export.ExportId);
        Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(family.World.Teacher, export.ExportId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(family.Guardian, export.ExportId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(otherDpo, export.ExportId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await App.DownloadExport(dpo, Guid.NewGuid())).Status);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/exports/{export.ExportId}", null, otherDpo);
    }

    [Fact]
    public async Task the_request_carries_the_regimes_deadline_the_dpo_extends_it_once_with_a_reason_and_sees_what_is_overdue()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        await Api.Post<PrivacyRegimeView>("/api/school/privacy-regime", new SetPrivacyRegime("qc-public"), dpo, HttpStatusCode.OK);
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        Assert.Equal("qc-public", export.Regime);
        Assert.InRange((export.DueAt - export.RequestedAt).TotalDays, 19, 22);

        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/exports/{export.ExportId}/extension", new ExtendExportDeadline(" "), dpo);
        var extended = await Api.Post<ExportView>($"/api/exports/{export.ExportId}/extension", new ExtendExportDeadline("Many archived paper files"), dpo,
            HttpStatusCode.OK);
        Assert.True(extended.Extended);
        Assert.InRange((extended.DueAt - export.RequestedAt).TotalDays, 29, 32);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/exports/{export.ExportId}/extension", new ExtendExportDeadline("Again"), dpo);

        await Api.Post<PrivacyRegimeView>("/api/school/privacy-regime", new SetPrivacyRegime("qc-private"), dpo, HttpStatusCode.OK);
        var second = await Api.RequestExport(dpo, ExportKinds.Guardian, family.Guardian.UserId);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/exports/{second.ExportId}/extension", new ExtendExportDeadline("Busy"), dpo);

        await Api.ExportCompleted(dpo, export.ExportId);
        await Api.ExportCompleted(dpo, second.ExportId);
        Clock.Advance(TimeSpan.FromDays(40));
        var all = await Api.Get<List<ExportView>>("/api/exports", dpo);
        Assert.Equal(2, all.Count);
        Assert.All(all, e => Assert.False(e.Overdue)); // answered in time
        Assert.Empty(await Api.Get<List<ExportView>>("/api/exports?open=true", dpo));
    }

    [Fact]
    public async Task running_the_durable_step_again_after_completion_changes_nothing_and_the_dpo_is_pushed_progress()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        await using var hub = await HubClient.Connect(App, dpo);
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        var done = await Api.ExportCompleted(dpo, export.ExportId);
        var (_, first) = await App.DownloadExport(dpo, export.ExportId);

        // As after a restart that redelivers the command: the step sees it done and leaves the export as it is.
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new RunExport(family.World.SchoolId, export.ExportId));
        }

        var again = await Api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo);
        Assert.Equal(done.CompletedAt, again.CompletedAt);
        Assert.Equal(first, (await App.DownloadExport(dpo, export.ExportId)).Bytes);

        var notices = await hub.WaitFor<ExportNotice>("ExportProgressed", n => n.State == ExportStates.Completed);
        Assert.Equal(export.ExportId, notices.ExportId);
        Assert.True(notices.ItemsDone > 10);
    }

    [Fact]
    public async Task an_export_expires_after_thirty_days_and_its_blob_is_deleted()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.ExportCompleted(dpo, export.ExportId);
        var store = Host.Services.GetRequiredService<ExportStore>();
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, export.ExportId)).Status);

        // Early: the scheduled deletion finds it not yet due and keeps it.
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireExport(family.World.SchoolId, export.ExportId));
        }

        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, export.ExportId)).Status);
        Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, export.ExportId)).Status);
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireExport(family.World.SchoolId, export.ExportId));
        }

        Assert.Equal(ExportStates.Expired, (await Api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo)).State);
        Assert.Empty(await BlobsOf(store, family.World.SchoolId, export.ExportId));
    }

    [Fact]
    public async Task erasing_the_subject_shreds_their_export_the_blob_is_gone_and_the_download_is_gone()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.ExportCompleted(dpo, export.ExportId);
        var store = Host.Services.GetRequiredService<ExportStore>();
        Assert.NotEmpty(await BlobsOf(store, family.World.SchoolId, export.ExportId));

        await Api.EraseStudent(dpo, family.Student);
        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, export.ExportId)).Status);
        Assert.Equal(ExportStates.Shredded, (await Api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo)).State);
        Assert.Empty(await BlobsOf(store, family.World.SchoolId, export.ExportId));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/exports", new RequestExport(ExportKinds.Student, family.Student, null, null), dpo);
    }

    [Fact]
    public async Task the_offline_command_accepts_the_export_and_refuses_a_tampered_one_an_extra_file_and_another_key()
    {
        var family = await App.BuildFamily(Api);
        var zip = await App.ExportZip(Api, family.World.Dpo, ExportKinds.Student, family.Student);
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", family.World.Dpo);
        var dir = Directory.CreateTempSubdirectory("classcomms-verify-");
        try
        {
            var pem = Path.Combine(dir.FullName, "school.pem");
            await File.WriteAllTextAsync(pem, key.PublicKeyPem);
            var good = Path.Combine(dir.FullName, "good.zip");
            await File.WriteAllBytesAsync(good, zip);
            var tampered = Path.Combine(dir.FullName, "tampered.zip");
            await File.WriteAllBytesAsync(tampered, Rewrite(zip, files => files["points.json"] = Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(files["points.json"]).Replace(Note, "Something else entirely"))));
            var extra = Path.Combine(dir.FullName, "extra.zip");
            await File.WriteAllBytesAsync(extra, Rewrite(zip, files => files["media/added.txt"] = "added"u8.ToArray()));
            var missing = Path.Combine(dir.FullName, "missing.zip");
            await File.WriteAllBytesAsync(missing, Rewrite(zip, files => files.Remove("summary.html")));
            var otherPem = Path.Combine(dir.FullName, "other.pem");
            using (var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
                await File.WriteAllTextAsync(otherPem, other.ExportSubjectPublicKeyInfoPem());

            // No database: the connection string points at a port where nothing listens.
            const string nowhere = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none";
            var (ok, okOutput) = await ApiProcess.RunAsync(nowhere, null, "verify-export", good, "--public-key", pem);
            Assert.True(ok == 0, okOutput);
            Assert.Contains("valid", okOutput);
            foreach (var (zipPath, keyPath, expected) in new[] { (tampered, pem, "altered: points.json"), (extra, pem, "not listed: media/added.txt"),
                         (missing, pem, "missing: summary.html"), (good, otherPem, "signature does not verify") })
            {
                var (code, output) = await ApiProcess.RunAsync(nowhere, null, "verify-export", zipPath, "--public-key", keyPath);
                Assert.True(code != 0, output);
                Assert.Contains(expected, output);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] Rewrite(byte[] zip, Action<Dictionary<string, byte[]>> change)
    {
        var files = Unzip(zip);
        change(files);
        var output = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files)
            {
                using var entry = archive.CreateEntry(path).Open();
                entry.Write(bytes);
            }
        }

        return output.ToArray();
    }

    public static async Task<List<string>> BlobsOf(ExportStore store, Guid schoolId, Guid exportId)
    {
        var names = new List<string>();
        if (!await store.Exports.ExistsAsync()) return names;
        await foreach (var blob in store.Exports.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           ExportStore.Prefix(schoolId, exportId), CancellationToken.None))
            names.Add(blob.Name);
        return names;
    }
}
