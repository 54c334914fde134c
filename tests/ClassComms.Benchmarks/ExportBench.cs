using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace ClassComms.Benchmarks;

public sealed record RequestExportBody(string SubjectKind, Guid SubjectId, string Scope, string Language);
public sealed record ExportStatus(Guid ExportId, string State, int ItemsDone, long Size, int Files);

/// <summary>
/// Subject access export benchmark (<c>infra/bench.sh export</c>): one student with <c>CLASSCOMMS_BENCH_EXPORT_EVENTS</c> point events (default
/// 10,000, each with a note) on their stream and 50 PDF attachments (200 KB each) in a thread with their guardian, all made through the API
/// (a child process, Production settings). Measures, in the same run: the export (POST → state completed, polled every 20 ms) and its
/// download, with the API process's time and resident-memory peak (VmHWM reset before each), beside a raw SQL read of the same rows (the
/// student's events, their point documents, the thread's messages and the media rows) by Npgsql in this process.
/// </summary>
public static class ExportBench
{
    private const int MediaFiles = 50;
    private const int MediaBytes = 200 * 1024;

    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string output, int events)
    {
        Console.WriteLine($"bench export: starting the API ({apiDll})");
        await using var api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(2));
        var pid = MediaMemory.ApiPid(api.BaseAddress) ?? throw new InvalidOperationException("Cannot find the API process in /proc.");
        var world = await api.BuildWorldAsync(1);
        var dpo = await api.AddStaffAsync(api.Leader!, "dpo", "Dana Dpo");
        var student = world.Students[0];
        var teacher = world.Teacher;

        var seed = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            await ApiDriver.Post<PointsAwarded>(teacher.Http, $"/api/classes/{world.ClassId}/points",
                new AwardPoints(world.SkillId, [student], false, $"Note {i}: careful work on the fractions sheet"));
            if (i % 1000 == 999) Console.WriteLine($"bench export: {i + 1} points in {seed.Elapsed.TotalSeconds:0} s");
        }

        var thread = (await ApiDriver.Post<ConversationsStarted>(teacher.Http, "/api/conversations",
            new StartConversation(student, "private", "Worksheets for the term", false))).Threads[0];
        for (var i = 0; i < MediaFiles; i++)
        {
            var attachment = await UploadPdfAsync(world.Guardians[0].Http, thread.ConversationId, i);
            await ApiDriver.Post<MessageAccepted>(world.Guardians[0].Http, $"/api/conversations/{thread.ConversationId}/messages",
                new { text = $"Sheet {i}", attachmentIds = new[] { attachment } });
        }

        Console.WriteLine($"bench export: seeded {events} points and {MediaFiles} attachments in {seed.Elapsed.TotalSeconds:0} s");

        // Warm-up: one export of the same student (JIT, pools), not measured.
        await ExportAsync(dpo, student);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var cpu0 = api.ProcessorTime();
        var before = MediaMemory.Memory(pid);
        MediaMemory.ResetPeak(pid);
        var clock = Stopwatch.StartNew();
        var done = await ExportAsync(dpo, student);
        var exportTime = clock.Elapsed;
        var exportPeak = MediaMemory.Memory(pid).Peak - before.Rss;
        var exportCpu = api.ProcessorTime() - cpu0;

        await Task.Delay(TimeSpan.FromSeconds(2));
        var beforeDownload = MediaMemory.Memory(pid);
        MediaMemory.ResetPeak(pid);
        clock.Restart();
        long downloaded = 0;
        using (var response = await dpo.Http.GetAsync($"/api/exports/{done.ExportId}/download", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0) downloaded += n;
        }

        var downloadTime = clock.Elapsed;
        var downloadPeak = MediaMemory.Memory(pid).Peak - beforeDownload.Rss;

        // The same rows, read raw: no unsealing, no JSON per kind, no ZIP, no signature, no encryption, no Blob Storage.
        var (rawTime, rawRows, rawBytes) = await RawReadAsync(pg, student, thread.ConversationId);
        var (rawTime2, _, _) = await RawReadAsync(pg, student, thread.ConversationId);
        var raw = rawTime < rawTime2 ? rawTime : rawTime2;

        var report = new StringBuilder();
        report.AppendLine("# Subject access export benchmark").AppendLine();
        report.AppendLine($"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {CpuMeter.LoadAverage()}; " +
                          $"one student with {events} point events (each with a sealed note) and {MediaFiles} PDF attachments of {MediaBytes / 1024} KB.").AppendLine();
        report.AppendLine("| | time | API process peak RSS growth | other |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine($"| Export (POST → completed: collect, unseal, ZIP, sign, encrypt, store) | {exportTime.TotalMilliseconds:0} ms | {Mb(exportPeak)} | " +
                          $"{done.ItemsDone} items, {done.Files} files, {Mb(done.Size)} ZIP; API CPU {exportCpu.TotalMilliseconds:0} ms |");
        report.AppendLine($"| Download (streamed, decrypted) | {downloadTime.TotalMilliseconds:0} ms | {Mb(downloadPeak)} | {Mb(downloaded)} |");
        report.AppendLine($"| Raw SQL read of the same rows (best of 2) | {raw.TotalMilliseconds:0} ms | (this process) | {rawRows} rows, {Mb(rawBytes)} |");
        report.AppendLine().AppendLine($"Ratio export / raw SQL read: **{exportTime.TotalMilliseconds / raw.TotalMilliseconds:0.0}×**.");
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report.ToString());
        return 0;

        async Task<ExportStatus> ExportAsync(Person who, Guid subject)
        {
            var requested = await ApiDriver.Post<ExportStatus>(who.Http, "/api/exports", new RequestExportBody("student", subject, "all", "en"),
                HttpStatusCode.Accepted);
            for (var i = 0; i < 30_000; i++)
            {
                var status = await ApiDriver.Get<ExportStatus>(who.Http, $"/api/exports/{requested.ExportId}");
                if (status.State == "completed") return status;
                await Task.Delay(20);
            }

            throw new TimeoutException("The export did not complete within 10 minutes.");
        }
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private static async Task<Guid> UploadPdfAsync(HttpClient http, Guid conversationId, int i)
    {
        var content = new byte[MediaBytes];
        var header = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n");
        header.CopyTo(content, 0);
        new Random(i).NextBytes(content.AsSpan(header.Length, MediaBytes - header.Length - 16));
        Encoding.ASCII.GetBytes("\ntrailer\n%%EOF\n").CopyTo(content, MediaBytes - 16);
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var form = new MultipartFormDataContent { { file, "file", $"sheet-{i}.pdf" } };
        using var response = await http.PostAsync($"/api/conversations/{conversationId}/attachments", form);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"upload: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<AttachmentUploaded>(body, System.Text.Json.JsonSerializerOptions.Web)!.AttachmentId;
    }

    private static async Task<(TimeSpan Time, long Rows, long Bytes)> RawReadAsync(string pg, Guid student, Guid conversationId)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        long rows = 0, bytes = 0;
        foreach (var sql in new[]
                 {
                     "select data::text from classcomms.mt_events where stream_id = @s",
                     "select data::text from classcomms.mt_doc_pointentry where data->>'StudentId' = @st",
                     "select data::text from classcomms.mt_doc_messageview where data->>'ConversationId' = @c",
                     "select data::text from classcomms.mt_doc_mediaobject where data->>'ConversationId' = @c",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("s", student);
            command.Parameters.AddWithValue("st", student.ToString());
            command.Parameters.AddWithValue("c", conversationId.ToString());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows++;
                bytes += reader.GetString(0).Length;
            }
        }

        return (clock.Elapsed, rows, bytes);
    }
}
