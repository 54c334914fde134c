using System.Text;
using ClassComms.Dpo;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Retention;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Exports;

/// <summary>Pushed to the DPO who asked, as the export progresses: ids and counts only.</summary>
public sealed record ExportNotice(Guid ExportId, string State, int ItemsDone, DateTimeOffset At);

/// <summary>
/// Builds an export to the end, durably: <see cref="RunExport"/> is committed with the request (Wolverine outbox) and retried until it
/// is done. A run after a crash starts again from the collected data (nothing half-built is kept: each attempt writes its own blob,
/// and only the attempt that records <see cref="ExportCompleted"/> counts); a run after completion does nothing but (re)schedule the
/// expiry.
/// </summary>
public static class RunExportHandler
{
    public static void Configure(HandlerChain chain)
    {
        // A DPO's extension or an erasure wrote to the export's stream at the same moment: build again (the run is idempotent).
        DurableWorkRetries.Apply(chain);
    }

    public static async Task<OutgoingMessages> Handle(RunExport command, ExportBuilder builder, CancellationToken ct)
    {
        var export = await builder.RunAsync(command.SchoolId, command.ExportId, ct);
        var messages = new OutgoingMessages();
        if (export is { ExpiresAt: { } expiresAt, DeletedAt: null }) messages.Schedule(new ExpireExport(command.SchoolId, command.ExportId), expiresAt);
        return messages;
    }
}

/// <summary>
/// The durable scheduled deletion of an export at its expiry, under the retention policy in force when it fires (<see cref="ExportExpiry"/>;
/// early: scheduled again; repeated: nothing to do). The school's retention run deletes the same exports (<see cref="ExportRetentionStep"/>).
/// </summary>
public static class ExpireExportHandler
{
    public static async Task<OutgoingMessages> Handle(ExpireExport command, IDocumentStore store, ExportStore exports, TimeProvider clock,
        CancellationToken ct)
    {
        SubjectExport? export;
        await using (var query = store.QuerySession(Ids.Tenant(command.SchoolId)))
        {
            export = await query.LoadAsync<SubjectExport>(command.ExportId, ct);
        }

        var messages = new OutgoingMessages();
        if (export is not { DeletedAt: null, CompletedAt: not null }) return messages;
        RetentionPolicy policy;
        await using (var query = store.QuerySession(Ids.Tenant(command.SchoolId)))
        {
            policy = await ExportExpiry.PolicyAsync(query, command.SchoolId, ct);
        }

        // The policy in force now decides (ExportExpiry): lengthened since the build, this is early and waits again.
        var expiresAt = ExportExpiry.ExpiresAt(export, policy)!.Value;
        if (clock.GetUtcNow() < expiresAt)
        {
            messages.Schedule(command, expiresAt);
            return messages;
        }

        await exports.DeleteAsync(command.SchoolId, command.ExportId, ExportStates.Expired, ct);
        return messages;
    }
}

public sealed class ExportBuilder(IDocumentStore store, ExportCollector collector, ExportStore exports, MediaStore media, SchoolSigning signing,
    PersonalDataVault vault, IHubContext<NotificationHub, INotificationClient> hub, TimeProvider clock, ILogger<ExportBuilder> logger)
{
    /// <summary>Builds and stores the export unless done; returns its state afterwards (null when there is no such export).</summary>
    public async Task<SubjectExport?> RunAsync(Guid schoolId, Guid exportId, CancellationToken ct)
    {
        var tenant = Ids.Tenant(schoolId);
        var export = await LoadAsync(tenant, exportId, ct);
        if (export is null)
        {
            logger.LogWarning("No export {ExportId} in school {SchoolId}", exportId, schoolId);
            return null;
        }

        if (export.Answered || export.DeletedAt is not null) return export;
        if (await vault.IsErasedAsync(export.SubjectId, ct))
        {
            await exports.DeleteAsync(schoolId, exportId, ExportStates.Shredded, ct);
            return await LoadAsync(tenant, exportId, ct);
        }

        await ProgressAsync(tenant, export, ExportStates.Collecting, 0, ct);
        ExportContent content;
        await using (var query = store.QuerySession(tenant))
        {
            content = await collector.CollectAsync(query, schoolId, export, n => ProgressAsync(tenant, export, ExportStates.Collecting, n, ct), ct);
        }

        await ProgressAsync(tenant, export, ExportStates.Writing, content.ItemCount, ct);
        var now = clock.GetUtcNow();
        RetentionPolicy policy;
        await using (var query = store.QuerySession(tenant))
        {
            policy = await ExportExpiry.PolicyAsync(query, schoolId, ct);
        }

        int fileCount;
        string blobName, contentKey;
        long size;
        await using (var upload = await exports.StartUploadAsync(tenant, schoolId, export, ct))
        {
            await using (var archive = new ExportArchive(upload.Content))
            {
                var written = await CopyMediaAsync(tenant, archive, content, ct);
                FixMissingMedia(content, written);
                foreach (var (kind, items) in content.Kinds)
                {
                    await archive.AddJsonAsync($"{kind}.json", new ExportFile(ExportSchema.Version, kind, export.Id, export.SubjectKind, export.SubjectId,
                        export.Scope, items.Count, items), ct);
                }

                await archive.AddJsonAsync("schema.json", ExportSchema.Document, ct);
                var summary = Encoding.UTF8.GetBytes(ExportSummary.Render(export, content, now, written.Count));
                await archive.AddAsync("summary.html", s => s.WriteAsync(summary, ct).AsTask(), ct);
                var manifest = new ExportManifest(ExportSchema.Version, export.Id, schoolId, export.SubjectKind, export.SubjectId, export.Scope, now,
                    archive.Files.ToList());
                fileCount = archive.Files.Count + 2;
                await archive.SealAsync(manifest, bytes => signing.SignAsync(schoolId, bytes, ct), ct);
            }

            (blobName, contentKey, size) = await upload.FinishAsync(ct);
        }

        await using (var session = store.LightweightSession(tenant))
        {
            await ExportLocks.TakeAsync(session, exportId, ct);
            var stream = await session.Events.FetchForWriting<SubjectExport>(exportId, ct);
            if (stream.Aggregate is { CompletedAt: null, DeletedAt: null })
            {
                stream.AppendOne(new ExportCompleted(exportId, blobName, contentKey, size, fileCount, content.ItemCount, now.AddDays(policy.ExportDays),
                    clock.GetUtcNow()));
                await session.SaveChangesAsync(ct);
            }
            else
            {
                // Another run finished first (or the subject was erased meanwhile): this attempt's blob is not the export.
                await exports.Exports.DeleteBlobIfExistsAsync(blobName, cancellationToken: ct);
            }
        }

        var done = await LoadAsync(tenant, exportId, ct);
        if (done is not null) await PushAsync(done, ct);
        return done;
    }

    private async Task<HashSet<Guid>> CopyMediaAsync(string tenant, ExportArchive archive, ExportContent content, CancellationToken ct)
    {
        var written = new HashSet<Guid>();
        if (content.Media.Count == 0) return written;
        IReadOnlyList<MediaObject> objects;
        await using (var query = store.QuerySession(tenant))
        {
            objects = await query.LoadManyAsync<MediaObject>(ct, content.Media.Select(m => m.AttachmentId).ToList());
        }

        foreach (var item in content.Media)
        {
            if (objects.FirstOrDefault(o => o.Id == item.AttachmentId) is not { } stored) continue;
            await using var source = await media.OpenReadAsync(stored, ct);
            if (source is null) continue;
            await archive.AddAsync(item.Path, target => source.CopyToAsync(target, 80 * 1024, ct), ct);
            written.Add(item.AttachmentId);
        }

        return written;
    }

    /// <summary>A file that could not be read (deleted, or its key destroyed) is named in its item without a path in the ZIP.</summary>
    private static void FixMissingMedia(ExportContent content, HashSet<Guid> written)
    {
        FileRef Fix(FileRef f) => written.Contains(f.AttachmentId) ? f : f with { Path = null };
        foreach (var items in content.Kinds.Values)
        {
            for (var i = 0; i < items.Count; i++)
            {
                items[i] = items[i] switch
                {
                    MessageExportItem m => m with { Attachments = m.Attachments.Select(Fix).ToList() },
                    StoryAppearance a => a with { Media = a.Media.Select(m => m with { File = Fix(m.File) }).ToList() },
                    PortfolioExportItem p when p.File is { } f => p with { File = Fix(f) },
                    var other => other,
                };
            }
        }
    }

    private async Task<SubjectExport?> LoadAsync(string tenant, Guid exportId, CancellationToken ct)
    {
        await using var query = store.QuerySession(tenant);
        return await query.LoadAsync<SubjectExport>(exportId, ct);
    }

    private async Task ProgressAsync(string tenant, SubjectExport export, string state, int items, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using (var session = store.LightweightSession(tenant))
        {
            await ExportLocks.TakeAsync(session, export.Id, ct);
            session.Events.Append(export.Id, new ExportProgressed(export.Id, state, items, now));
            await session.SaveChangesAsync(ct);
        }

        await PushAsync(export with { State = state, ItemsDone = items }, ct);
    }

    /// <summary>A hint to the DPO who asked (the status resource is the truth): ids and counts only.</summary>
    private Task PushAsync(SubjectExport export, CancellationToken ct) =>
        hub.Clients.Group(NotificationHub.UserGroup(export.RequestedBy)).ExportProgressed(new ExportNotice(export.Id, export.State, export.ItemsDone,
            clock.GetUtcNow()));
}
