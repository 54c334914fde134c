using System.Net;
using Alba;
using Marten;
using ClassComms.Exports;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Exports;

/// <summary>
/// An export made before its subject's erasure comes back with a database backup restored after the erasure (its request, its
/// sealed content key, the key itself). The ledger is applied again before the host is ready, and the export is shredded again:
/// not downloadable, no blob.
/// </summary>
public sealed class when_restoring_a_backup_taken_before_the_subject_was_erased(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_export_made_before_the_erasure_is_not_downloadable_from_the_restored_host()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.ExportCompleted(dpo, export.ExportId);
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, export.ExportId)).Status);
        await ProjectionsCaughtUp();
        var backup = Path.Combine(Path.GetTempPath(), $"classcomms-backup-{Guid.NewGuid():N}.dump");
        await DatabaseDump.SaveAsync(backup);
        await Api.EraseStudent(dpo, family.Student);

        var database = "classcomms_tests_restore_export";
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

            var (status, _) = await host.DownloadExport(dpo, export.ExportId);
            Assert.True(status is HttpStatusCode.Gone or HttpStatusCode.NotFound, $"download answered {(int)status}");
            Assert.Equal(ExportStates.Shredded, (await api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo)).State);
            Assert.Empty(await when_exporting_a_subject.BlobsOf(host.Services.GetRequiredService<ExportStore>(), family.World.SchoolId, export.ExportId));
        }
        finally
        {
            await DatabaseDump.DropAsync(database);
            File.Delete(backup);
        }
    }
}
