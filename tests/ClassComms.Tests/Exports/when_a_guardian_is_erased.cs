using System.Net;
using Alba;
using ClassComms.Exports;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Exports;

/// <summary>
/// Erasing a guardian shreds the exports that may quote them: their child's (the thread about the child holds the guardian's reply), not
/// a classmate's whose threads they never took part in; also from a restored backup taken before the erasure (the ledger is applied again).
/// </summary>
public sealed class when_a_guardian_is_erased(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task their_childs_export_quoting_their_reply_is_shredded_and_a_classmates_is_kept()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var child = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        var classmate = await Api.RequestExport(dpo, ExportKinds.Student, family.Classmate);
        await Api.ExportCompleted(dpo, child.ExportId);
        await Api.ExportCompleted(dpo, classmate.ExportId);
        var store = Host.Services.GetRequiredService<ExportStore>();

        await Api.EraseGuardian(dpo, family.Guardian.UserId);

        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, child.ExportId)).Status);
        Assert.Equal(ExportStates.Shredded, (await Api.Get<ExportView>($"/api/exports/{child.ExportId}", dpo)).State);
        Assert.Empty(await when_exporting_a_subject.BlobsOf(store, family.World.SchoolId, child.ExportId));
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, classmate.ExportId)).Status);
        Assert.Equal(ExportStates.Completed, (await Api.Get<ExportView>($"/api/exports/{classmate.ExportId}", dpo)).State);
    }

    [Fact]
    public async Task a_backup_taken_before_the_erasure_comes_back_with_the_childs_export_shredded_again()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var child = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.ExportCompleted(dpo, child.ExportId);
        await ProjectionsCaughtUp();
        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);
        await Api.EraseGuardian(dpo, family.Guardian.UserId);

        var database = "classcomms_tests_restore_guardian_export";
        var restored = await DatabaseDump.RestoreIntoNewDatabaseAsync(backup, database);
        try
        {
            await using var host = await AppFixture.StartHostAsync(restored);
            await host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBeOk();
            });
            var api = new Api(host);
            Assert.Equal(ExportStates.Shredded, (await api.Get<ExportView>($"/api/exports/{child.ExportId}", dpo)).State);
            Assert.Equal(HttpStatusCode.Gone, (await host.DownloadExport(dpo, child.ExportId)).Status);
            Assert.Empty(await when_exporting_a_subject.BlobsOf(host.Services.GetRequiredService<ExportStore>(), family.World.SchoolId, child.ExportId));
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(backup);
        }
    }
}
