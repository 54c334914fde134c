using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ClassComms.Benchmarks;

public sealed record AttachmentUploaded(Guid AttachmentId, string Kind, string ContentType, long Size);

/// <summary>
/// Media memory benchmark (<c>infra/bench.sh media</c>): one 200 MB video uploaded through
/// <c>POST /api/conversations/{id}/attachments</c> and downloaded again through <c>GET /api/attachments/{id}</c>,
/// against the real API as a child process. Measures the API process's resident memory (Linux /proc): its
/// resident set before each transfer and its peak (VmHWM, reset through /proc/pid/clear_refs before each transfer),
/// the growth being peak − before. The content is generated while it is sent and hashed on both sides.
/// </summary>
public static class MediaMemory
{
    private const long VideoBytes = 200L * 1024 * 1024;

    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string output)
    {
        Console.WriteLine($"bench media: starting the API ({apiDll})");
        await using var api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(2));
        var pid = ApiPid(api.BaseAddress) ?? throw new InvalidOperationException("Cannot find the API process in /proc.");
        var world = await api.BuildWorldAsync(1);
        var thread = (await ApiDriver.Post<ConversationsStarted>(world.Teacher.Http, "/api/conversations",
            new StartConversation(world.Students[0], "private", "The school play", false))).Threads[0];
        var http = api.NewClient(world.Teacher.Token);
        http.Timeout = TimeSpan.FromMinutes(10);

        // Warm-up: JIT, connection pools, Blob client, Magick not involved (videos are never decoded).
        for (var i = 0; i < 3; i++)
        {
            var (warm, _) = await UploadAsync(http, thread.ConversationId, 4L * 1024 * 1024);
            await DownloadAsync(http, warm.AttachmentId);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var rows = new List<string>();
        var beforeUpload = Memory(pid);
        ResetPeak(pid);
        var clock = Stopwatch.StartNew();
        var (video, sent) = await UploadAsync(http, thread.ConversationId, VideoBytes);
        var uploadTime = clock.Elapsed;
        var afterUpload = Memory(pid);
        rows.Add(Row("Upload 200 MB (multipart)", beforeUpload, afterUpload, uploadTime));

        await Task.Delay(TimeSpan.FromSeconds(2));
        var beforeDownload = Memory(pid);
        ResetPeak(pid);
        clock.Restart();
        var (length, received) = await DownloadAsync(http, video.AttachmentId);
        var downloadTime = clock.Elapsed;
        var afterDownload = Memory(pid);
        rows.Add(Row("Download 200 MB", beforeDownload, afterDownload, downloadTime));
        if (length != VideoBytes || received != sent) throw new InvalidOperationException($"The download differs from the upload ({length} bytes).");

        var report = new StringBuilder()
            .AppendLine($"# Media memory ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, API {apiDll})")
            .AppendLine()
            .AppendLine("| Transfer | RSS before | Peak RSS during | Growth | Time |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var row in rows) report.AppendLine(row);
        report.AppendLine().AppendLine($"Download verified: {length:N0} bytes, SHA-256 equal to the upload.");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine(report);
        Console.WriteLine($"bench media: written to {output}");
        return 0;
    }

    private static string Row(string what, (long Rss, long Peak) before, (long Rss, long Peak) after, TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {Mb(before.Rss)} | {Mb(after.Peak)} | {Mb(after.Peak - before.Rss)} | {time.TotalSeconds:0.0} s |");

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB");

    private static async Task<(AttachmentUploaded Uploaded, string Sha256)> UploadAsync(HttpClient http, Guid conversationId, long length)
    {
        using var source = new GeneratedVideo(length);
        var file = new StreamContent(source, 81920);
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        using var form = new MultipartFormDataContent { { file, "file", "school-play.mp4" } };
        using var response = await http.PostAsync($"/api/conversations/{conversationId}/attachments", form);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Upload: expected 201, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var uploaded = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<AttachmentUploaded>(response.Content))!;
        return (uploaded, source.Sha256());
    }

    private static async Task<(long Length, string Sha256)> DownloadAsync(HttpClient http, Guid attachmentId)
    {
        using var response = await http.GetAsync($"/api/attachments/{attachmentId}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }

        return (total, Convert.ToHexString(hash.GetHashAndReset()));
    }

    /// <summary>Resident set and its high-water mark, in bytes.</summary>
    internal static (long Rss, long Peak) Memory(int pid)
    {
        long Field(string name) => long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(name, StringComparison.Ordinal))
            .Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return (Field("VmRSS"), Field("VmHWM"));
    }

    /// <summary>Resets VmHWM to the current resident set (Linux: "5" to clear_refs).</summary>
    internal static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    internal static int? ApiPid(Uri address)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (command.Contains("ClassComms.Api.dll", StringComparison.Ordinal) && command.Contains($"--urls {address.ToString().TrimEnd('/')}", StringComparison.Ordinal)) return pid;
            }
            catch (IOException)
            {
            }
        }

        return null;
    }

    /// <summary>An MP4 header, then pseudo-random bytes generated as they are read, hashed on the way.</summary>
    private sealed class GeneratedVideo(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly Random _random = new(42);
        private long _position;
        private string? _sha256;

        /// <summary>The hash of everything read, once the end was reached.</summary>
        public string Sha256() => _sha256 ?? throw new InvalidOperationException("The content was not read to the end.");

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            if (n <= 0)
            {
                _sha256 ??= Convert.ToHexString(_hash.GetHashAndReset());
                return 0;
            }

            var span = buffer.AsSpan(offset, n);
            _random.NextBytes(span);
            if (_position == 0 && n >= 24)
            {
                ((byte[])[0x00, 0x00, 0x00, 0x18, .. "ftypisom"u8, 0x00, 0x00, 0x02, 0x00, .. "isomiso2"u8]).CopyTo(span);
            }

            _hash.AppendData(span);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
