using System.Net;
using Alba;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Marten;
using Marten.Events;

namespace ClassComms.Tests.Privacy;

/// <summary>The ledger outside the database: written once per subject, never overwritten, and re-applied before readiness.</summary>
public sealed class when_keeping_the_erasure_ledger(AppFixture app) : IntegrationTest(app)
{
    private ErasureLedger Ledger => Host.Services.GetRequiredService<ErasureLedger>();

    [Fact]
    public async Task an_entry_is_written_once_and_a_second_write_keeps_the_first()
    {
        var school = Guid.CreateVersion7();
        var subject = Guid.CreateVersion7();
        var first = new ErasureRecord(subject, SubjectKinds.Student, school, Guid.CreateVersion7(), DateTimeOffset.UtcNow.AddMinutes(-5));

        Assert.Equal(first, await Ledger.RecordAsync(first, CancellationToken.None));
        var retried = await Ledger.RecordAsync(first with { RequestedBy = Guid.CreateVersion7(), At = DateTimeOffset.UtcNow }, CancellationToken.None);

        Assert.Equal(first, retried);
        Assert.Equal(first, Assert.Single(await Ledger.ReadAsync(school, CancellationToken.None)));
    }

    [Fact]
    public async Task an_unconditional_overwrite_through_the_ledgers_condition_is_refused_by_blob_storage()
    {
        var record = new ErasureRecord(Guid.CreateVersion7(), SubjectKinds.Guardian, Guid.CreateVersion7(), Guid.CreateVersion7(), DateTimeOffset.UtcNow);
        await Ledger.RecordAsync(record, CancellationToken.None);
        var blob = Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ErasureLedger.Container)
            .GetBlobClient(ErasureLedger.EntryName(record.SchoolId, record.SubjectId));

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("{}"),
            new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));

        Assert.Equal((int)HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(record, Assert.Single(await Ledger.ReadAsync(record.SchoolId, CancellationToken.None)));
    }

    [Fact]
    public async Task readiness_waits_for_the_re_application_of_the_ledger()
    {
        var world = await Api.CreateWorld();
        await Api.EraseStudent(world.Dpo, world.Students[0]);
        var reapplication = new ErasureReapplication(Host.Services.GetRequiredService<IDocumentStore>(), Ledger,
            Host.Services.GetRequiredService<ErasureSteps>(), Host.Services.GetRequiredService<ClassComms.Retention.LegacyPointNotes>(), TimeProvider.System,
            NullLogger<ErasureReapplication>.Instance);
        var check = new ErasureReapplicationHealthCheck(reapplication);

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.True(await reapplication.ReapplyAllAsync(CancellationToken.None) >= 1);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        // Re-applying to a database where the erasure is already done changes nothing and is not an error.
        await using var session = Store.LightweightSession(world.SchoolId.ToString());
        Assert.Single(await session.Events.FetchStreamAsync(world.Students[0]), e => e.Data is ClassComms.Students.StudentErased);
        Assert.Single(await session.Events.FetchStreamAsync(Erasure.IdFor(world.Students[0])), e => e.Data is ErasureCompleted);
        await Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });
    }
}
