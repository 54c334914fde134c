using System.Net;
using ClassComms.Exports;
using ClassComms.Retention;
using ClassComms.Tests.Exports;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Retention;

/// <summary>
/// Exports expire by the school's retention policy (<c>exportDays</c>): the retention run deletes them as a step of its own (kind
/// <c>exports</c>, previewed and reported by id), and the scheduled deletion and the download decide with the same policy.
/// </summary>
public sealed class when_retention_expires_exports(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_policy_of_seven_days_expires_an_export_after_seven_days_and_the_run_deletes_what_the_preview_showed()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        var dpo = world.Dpo;
        await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, null, 7), dpo);
        var requested = await Api.RequestExport(dpo, ExportKinds.Student, world.Students[0]);
        var export = await Api.ExportCompleted(dpo, requested.ExportId);
        Assert.Equal(export.CompletedAt!.Value.AddDays(7), export.ExpiresAt);

        Clock.Advance(TimeSpan.FromDays(6));
        Assert.Empty(Exports(await Preview(world)));
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, export.ExportId)).Status);

        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, export.ExportId)).Status);
        var preview = await Preview(world);
        Assert.Equal([export.ExportId], Exports(preview));

        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, dpo, HttpStatusCode.OK);
        Assert.Equal(Exports(preview), Exports(run.Plan));
        Assert.Equal(ExportStates.Expired, (await Api.Get<ExportView>($"/api/exports/{export.ExportId}", dpo)).State);
        Assert.Empty(await when_exporting_a_subject.BlobsOf(Host.Services.GetRequiredService<ExportStore>(), world.SchoolId, export.ExportId));
        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, export.ExportId)).Status);

        // Idempotent: nothing is due any more, and a second run deletes nothing.
        Assert.Empty(Exports(await Preview(world)));
        Assert.Empty(Exports((await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, dpo, HttpStatusCode.OK)).Plan));
    }

    [Fact]
    public async Task a_policy_changed_after_the_build_moves_the_expiry_for_the_download_the_scheduled_deletion_and_the_run_alike()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Mo Farah");
        var dpo = world.Dpo;
        var shortened = (await Api.ExportCompleted(dpo, (await Api.RequestExport(dpo, ExportKinds.Student, world.Students[0])).ExportId)).ExportId;
        var lengthened = (await Api.ExportCompleted(dpo, (await Api.RequestExport(dpo, ExportKinds.Student, world.Students[1])).ExportId)).ExportId;

        // Built under the default 30 days; the policy becomes 7: the first export is past it after 8 days.
        await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, null, 7), dpo);
        Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(HttpStatusCode.Gone, (await App.DownloadExport(dpo, shortened)).Status);
        Assert.Equal(new[] { lengthened, shortened }.Order(), Exports(await Preview(world)).Order());
        await Expire(world, shortened); // the scheduled deletion, early for its 30 days, is due under the policy in force
        Assert.Equal(ExportStates.Expired, (await Api.Get<ExportView>($"/api/exports/{shortened}", dpo)).State);
        Assert.Equal([lengthened], Exports(await Preview(world)));

        // The policy becomes 60: the other export, 8 days old, is kept by the download, the scheduled deletion and the run.
        await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, null, 60), dpo);
        Clock.Advance(TimeSpan.FromDays(25)); // 33 days: past the 30 it was built under
        await Expire(world, lengthened);
        Assert.Equal(HttpStatusCode.OK, (await App.DownloadExport(dpo, lengthened)).Status);
        Assert.Empty(Exports(await Preview(world)));
        var view = await Api.Get<ExportView>($"/api/exports/{lengthened}", dpo);
        Assert.Equal(ExportStates.Completed, view.State);
        Assert.Equal(view.CompletedAt!.Value.AddDays(60), view.ExpiresAt);
    }

    private async Task Expire(World world, Guid exportId)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireExport(world.SchoolId, exportId));
    }

    private Task<RetentionPlan> Preview(World world) => Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo);

    private static IReadOnlyList<Guid> Exports(RetentionPlan plan) => plan.Other.GetValueOrDefault(ExportRetentionStep.ExportsKind) ?? [];
}
