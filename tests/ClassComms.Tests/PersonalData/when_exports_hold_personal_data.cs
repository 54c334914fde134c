using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using ClassComms.Exports;
using ClassComms.Tests.Exports;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ClassComms.Tests.Exports.Exports;

namespace ClassComms.Tests.PersonalData;

/// <summary>
/// A subject access export holds everything about a person in plaintext inside its ZIP; outside it, nothing: its events and documents
/// are ids, its Wolverine messages are ids, its pushes are ids and counts, and its blob is ciphertext (not even a ZIP's signature).
/// </summary>
public sealed class when_exports_hold_personal_data(AppFixture app) : IntegrationTest(app)
{
    private const string Reason = "Archived paper files for Quellington";

    [Fact]
    public async Task no_name_text_file_name_or_extension_reason_is_in_the_database_blob_storage_pushes_or_logs()
    {
        var family = await App.BuildFamily(Api);
        var dpo = family.World.Dpo;
        await using var hub = await HubClient.Connect(App, dpo);
        var export = await Api.RequestExport(dpo, ExportKinds.Student, family.Student);
        await Api.Post<ExportView>($"/api/exports/{export.ExportId}/extension", new ExtendExportDeadline(Reason), dpo, HttpStatusCode.OK);
        await Api.ExportCompleted(dpo, export.ExportId);
        var (status, zip) = await App.DownloadExport(dpo, export.ExportId);
        Assert.Equal(HttpStatusCode.OK, status);

        // The values searched for are really in the export (so the searches below look for real values).
        string[] typed = [StudentName, GuardianName, Note, TeacherText, GuardianText, StoryText, PortfolioCaption, TeacherComment, Evidence, "homework-sheet", Reason];
        var inside = Text(Unzip(zip));
        foreach (var value in typed.Where(v => v != Reason && v != GuardianName)) Assert.Contains(value, inside); // a guardian appears by role only

        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains(export.ExportId.ToString(), dump);
        foreach (var value in typed) Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains a personal value ({value.Length} chars).");

        var blobs = Host.Services.GetRequiredService<BlobServiceClient>();
        await StorageScan.AssertAbsentAsync(blobs, typed);
        var container = blobs.GetBlobContainerClient(ExportStore.Container);
        var stored = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           ExportStore.Prefix(family.World.SchoolId, export.ExportId), CancellationToken.None))
        {
            var bytes = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            Assert.False(bytes.AsSpan().IndexOf("PK\u0003\u0004"u8) >= 0, "The stored export holds a ZIP entry header: it is not encrypted.");
            Assert.NotEqual(zip.Length, bytes.Length);
            stored++;
        }

        Assert.Equal(1, stored);
        var pushed = string.Join('\n', hub.Received.Select(r => JsonSerializer.Serialize(r.Notice, r.Notice.GetType())));
        Assert.Contains(export.ExportId.ToString(), pushed);
        foreach (var value in typed) Assert.DoesNotContain(value, pushed);
        App.AssertLogsContainNone(typed, "export content");
    }
}
