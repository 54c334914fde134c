using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace ClassComms.Benchmarks;

public sealed record StoryNotice(Guid PostId);
public sealed record StoryMediaRequest(Guid AttachmentId, IReadOnlyList<Guid> TaggedStudentIds, IReadOnlyList<Guid> ExcludedStudentIds);
public sealed record PostToStory(string? Text, IReadOnlyList<StoryMediaRequest> Media, bool CommentsNeedApproval);
public sealed record StoryPostAccepted(Guid PostId, Guid StoryId);
public sealed record StoryMediaItem(Guid AttachmentId, IReadOnlyList<Guid> TaggedStudentIds);
public sealed record StoryPostItem(Guid PostId, IReadOnlyList<StoryMediaItem> Media);
public sealed record StoryPage(IReadOnlyList<StoryPostItem> Posts, long Cursor);
public sealed record ChangeConsent(string Purpose, bool Given, string? Evidence);

/// <summary>
/// Story benchmark (<c>infra/bench.sh stories</c>, or <c>dotnet run -c Release --project tests/ClassComms.Benchmarks -- stories</c>),
/// against the real API as a child process, 30 families connected over WebSockets:
/// <list type="number">
/// <item>S: a Class Story post with 4 photos (uploaded beforehand, not timed; each tags one student whose guardian gave consent)
/// from just before the POST to each guardian's <c>StoryPostPublished</c>; interleaved post by post with a 30-family class
/// announcement (the messaging baseline, scenario B of the messaging benchmark) measured the same way in the same run.</item>
/// <item>W: one student tagged in 200 past posts; their guardian withdraws the Class Story consent
/// (<c>POST /api/students/{id}/consents</c>); the time until the request answers is the time until the media is gone from every
/// view (the views change in the withdrawal's own transaction); then every page of the story is read as another guardian to
/// check that none of the 200 posts still shows it.</item>
/// </list>
/// </summary>
public static class StoryLatency
{
    private const int Families = 30;
    private const int PhotosPerPost = 4;
    private const int TaggedPosts = 200;

    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string output, int n, TimeSpan receiptTimeout)
    {
        Console.WriteLine($"bench stories: starting the API ({apiDll})");
        await using var api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(2));
        var world = await api.BuildWorldAsync(Families);
        var receipts = new Receipts<Guid>();
        for (var i = 0; i < Families; i++) await api.ConnectAsync(world.Guardians[i], i, receipts);
        var teacher = world.Teacher;
        var consent = new ChangeConsent("classStoryMedia", true, null);
        for (var i = 0; i < Families; i++)
        {
            await Send(world.Guardians[i].Http, HttpMethod.Post, $"/api/students/{world.Students[i]}/consents", consent);
        }

        Console.WriteLine($"bench stories: {Families} families connected, consents given; S: {n} posts of {PhotosPerPost} photos (+5 warm-up)");
        var story = new Samples("S story post, every guardian receipt");
        var storyLast = new Samples("S story post, last guardian per post");
        var storyHttp = new Samples("S story POST → 201");
        var baseline = new Samples("B announcement (same run), every guardian receipt");
        var baselineLast = new Samples("B announcement (same run), last guardian");
        for (var i = -5; i < n; i++)
        {
            var media = new List<StoryMediaRequest>();
            for (var p = 0; p < PhotosPerPost; p++)
            {
                var photo = await Upload(teacher.Http, world.ClassId, Png(16, 16));
                media.Add(new StoryMediaRequest(photo, [world.Students[((i + 5) * PhotosPerPost + p) % Families]], []));
            }

            var t0 = Clock.Now();
            var posted = await ApiDriver.Post<StoryPostAccepted>(teacher.Http, $"/api/stories/{world.ClassId}/posts",
                new PostToStory($"Post {i}: our week in pictures.", media, false));
            var t1 = Clock.Now();
            var arrivals = await Task.WhenAll(Enumerable.Range(0, Families).Select(g => receipts.WaitAsync(g, posted.PostId, receiptTimeout)));
            if (i >= 0)
            {
                storyHttp.Add(Clock.Ms(t0, t1));
                Record(story, storyLast, t0, arrivals);
            }

            var b0 = Clock.Now();
            var announced = await ApiDriver.Post<AnnouncementPosted>(teacher.Http, $"/api/classes/{world.ClassId}/announcements",
                new PostAnnouncement($"Announcement {i}: no school on Monday."));
            var bArrivals = await Task.WhenAll(Enumerable.Range(0, Families).Select(g => receipts.WaitAsync(g, announced.MessageId, receiptTimeout)));
            if (i >= 0) Record(baseline, baselineLast, b0, bArrivals);
        }

        foreach (var s in new[] { story, storyLast, storyHttp, baseline, baselineLast }) Console.WriteLine($"bench stories: {s.Summary()}");

        // W: one student tagged in 200 past posts, then their consent withdrawn.
        var tagged = world.Students[0];
        var build = Stopwatch.StartNew();
        for (var i = 0; i < TaggedPosts; i++)
        {
            var photo = await Upload(teacher.Http, world.ClassId, Png(8, 8));
            await ApiDriver.Post<StoryPostAccepted>(teacher.Http, $"/api/stories/{world.ClassId}/posts",
                new PostToStory($"Tagged post {i}", [new StoryMediaRequest(photo, [tagged], [])], false));
        }

        Console.WriteLine($"bench stories: W: {TaggedPosts} posts tagging one student built in {build.Elapsed.TotalSeconds:0.0} s");
        var w0 = Clock.Now();
        await Send(world.Guardians[0].Http, HttpMethod.Post, $"/api/students/{tagged}/consents", consent with { Given = false });
        var w1 = Clock.Now();
        var withdrawal = Clock.Ms(w0, w1);
        var v0 = Clock.Now();
        var (read, taggedStill) = await TaggedStillShownAsync(world.Guardians[0].Http, world.ClassId, tagged);
        var verify = Clock.Ms(v0, Clock.Now());
        Console.WriteLine($"bench stories: W: withdrawal request (media gone from every view at commit) {withdrawal:0.0} ms; "
                          + $"{read} posts read back in {verify:0.0} ms; tagged items still shown: {taggedStill}");

        var report = new StringBuilder();
        report.AppendLine("# Story benchmark").AppendLine();
        report.AppendLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average at end {CpuMeter.LoadAverage()}").AppendLine();
        report.AppendLine("| Scenario | n | p50 | p99 |").AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var s in new[] { story, storyLast, storyHttp, baseline, baselineLast })
        {
            report.AppendLine($"| {s.Name} | {s.Count} (lost {s.Lost}) | {Samples.Ms(s.Percentile(50))} | {Samples.Ms(s.Percentile(99))} |");
        }

        report.AppendLine().AppendLine($"W: consent withdrawal for a student tagged in {TaggedPosts} posts: {withdrawal:0.0} ms to gone from every view; "
                                       + $"tagged items still shown afterwards: {taggedStill}.");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine($"bench stories: written {output}");
        return taggedStill == 0 && story.Lost == 0 ? 0 : 1;
    }

    /// <summary>
    /// Reads every page of the story as the tagged student's own guardian (who sees their child's tags) and counts the media items
    /// still tagging the student.
    /// </summary>
    private static async Task<(int Posts, int Shown)> TaggedStillShownAsync(HttpClient reader, Guid classId, Guid student)
    {
        var (posts, shown) = (0, 0);
        long? before = null;
        while (true)
        {
            var page = await ApiDriver.Get<StoryPage>(reader, $"/api/stories/{classId}/posts?limit=50{(before is { } b ? $"&before={b}" : "")}");
            if (page.Posts.Count == 0) return (posts, shown);
            posts += page.Posts.Count;
            shown += page.Posts.Sum(p => p.Media.Count(m => m.TaggedStudentIds.Contains(student)));
            before = page.Cursor;
        }
    }

    private static void Record(Samples every, Samples last, long t0, long?[] arrivals)
    {
        foreach (var arrival in arrivals)
        {
            if (arrival is { } at) every.Add(Clock.Ms(t0, at));
            else every.AddLost();
        }

        if (arrivals.All(x => x is not null)) last.Add(Clock.Ms(t0, arrivals.Max(x => x!.Value)));
        else last.AddLost();
    }

    private static async Task Send(HttpClient http, HttpMethod method, string url, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<Guid> Upload(HttpClient http, Guid storyId, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "photo.png");
        using var response = await http.PostAsync($"/api/stories/{storyId}/media", form);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"upload: {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<AttachmentUploaded>())!.AttachmentId;
    }

    /// <summary>A valid PNG of random RGB pixels (unique per call).</summary>
    private static byte[] Png(int width, int height)
    {
        var raw = new byte[height * (1 + width * 3)];
        RandomNumberGenerator.Fill(raw);
        for (var y = 0; y < height; y++) raw[y * (1 + width * 3)] = 0; // filter: none
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }

        return ~crc;
    }
}
