using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ClassComms.Dpo;

namespace ClassComms.Exports;

/// <summary>
/// Writes an export's ZIP into a stream (the encrypting upload): one JSON file per kind (schema <see cref="ExportSchema.Version"/>), <c>schema.json</c>, the media
/// files (copied as they stream out of storage), <c>summary.html</c>, then <c>manifest.json</c> (every file with its SHA-256 and size,
/// hashed while written) and <c>manifest.sig.json</c> (the school's signature of the manifest). Memory: one copy buffer per file.
/// </summary>
public sealed class ExportArchive : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly ZipArchive _zip;
    private readonly List<ManifestFile> _files = [];

    /// <param name="output">Where the ZIP goes; write-only streams are fine (entries then carry data descriptors).</param>
    public ExportArchive(Stream output)
    {
        _output = output;
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
    }

    public IReadOnlyList<ManifestFile> Files => _files;

    /// <summary>Adds a file; <paramref name="write"/> writes its content (hashed and counted on the way).</summary>
    public async Task AddAsync(string path, Func<Stream, Task> write, CancellationToken ct)
    {
        var entry = _zip.CreateEntry(path, CompressionLevel.Fastest);
        await using (var target = entry.Open())
        await using (var hashing = new HashingStream(target))
        {
            await write(hashing);
            _files.Add(new ManifestFile(path, hashing.Sha256(), hashing.Length));
        }
    }

    public Task AddJsonAsync<T>(string path, T value, CancellationToken ct) =>
        AddAsync(path, s => JsonSerializer.SerializeAsync(s, value, ExportManifest.Json, ct), ct);

    /// <summary>Writes the manifest and its signature, and closes the ZIP.</summary>
    public async Task SealAsync(ExportManifest manifest, Func<byte[], Task<DetachedSignature>> sign, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, ExportManifest.Json);
        var signature = await sign(bytes);
        await WriteRawAsync(ExportManifest.FileName, bytes, ct);
        await WriteRawAsync(ExportManifest.SignatureFileName, JsonSerializer.SerializeToUtf8Bytes(signature, ExportManifest.Json), ct);
        _zip.Dispose();
        await _output.FlushAsync(ct);
    }

    private async Task WriteRawAsync(string path, byte[] bytes, CancellationToken ct)
    {
        await using var target = _zip.CreateEntry(path, CompressionLevel.Fastest).Open();
        await target.WriteAsync(bytes, ct);
    }

    public ValueTask DisposeAsync()
    {
        _zip.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            await inner.WriteAsync(buffer, ct);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>The documented, versioned schema of the export's JSON files (written as <c>schema.json</c> into every export).</summary>
public static class ExportSchema
{
    /// <summary>Bumped on any change a reader would notice (a field removed or its meaning changed); added fields bump the minor part.</summary>
    /// <remarks>1.1: a student's export gains <c>access-log.json</c> (who on the staff read their data). 1.2: a staff member's export gains
    /// <c>story-contributions.json</c>, <c>portfolio-actions.json</c> and <c>access-log.json</c> (their own reads).</remarks>
    public const string Version = "1.2";

    public static object Document => new
    {
        schemaVersion = Version,
        envelope = new Dictionary<string, string>
        {
            ["schemaVersion"] = "this schema's version",
            ["kind"] = "the kind of items in the file (its file name without .json)",
            ["exportId"] = "the export request",
            ["subjectKind"] = "student, guardian or staff",
            ["subjectId"] = "the data subject's id in the school",
            ["scope"] = "all (right of access) or providedBySubject (portability: only what the subject provided)",
            ["count"] = "number of items",
            ["items"] = "the items, oldest first",
        },
        common = new Dictionary<string, string>
        {
            ["provenance"] = "providedBySubject (written, uploaded or given by the subject, or for a minor by a guardian on their behalf) or createdByStaff",
            ["from / author / recordedBy / awardedBy"] = "'you' for the subject; anyone else by role only (teacher, guardian, student, staff), never by name or id",
            ["File"] = "{attachmentId, contentType, size, fileName, path}: path is the file inside this ZIP (null when not included)",
        },
        kinds = new Dictionary<string, string>
        {
            [ExportCollector.ProfileKind] = "ProfileField {field, value, provenance}: name, role, class, enrolment, birth date, e-mail, totals",
            [ExportCollector.PointsKind] = "PointItem {pointId, provenance, awardedBy, awardedAt, skill, positive, value, note, removedAt}",
            [ExportCollector.MessagesKind] = "MessageExportItem {messageId, conversationId, conversationKind, provenance, from, postedAt, text, withdrawn, erased, attachments[File]}",
            [ExportCollector.StoriesKind] = "StoryAppearance {postId, storyKind, provenance, author, postedAt, text, media[{file, tagged, otherStudentsTagged (a count, never who)}]}",
            [ExportCollector.PortfolioKind] = "PortfolioExportItem {itemId, kind, provenance, author, addedAt, approved, text, file, comments[{commentId, provenance, author, at, text}]}",
            [ExportCollector.ConsentsKind] = "ConsentItem {purpose, given, source, recordedBy, provenance, at, studentId (a guardian's export: the child), evidence}",
            [ExportCollector.LinksKind] = "LinkItem {role, studentId (a guardian's export: the child), provenance, linkedAt, restricted}",
            [ExportCollector.ContributionsKind] = "StoryContributionItem {postId, kind (comment, pendingComment, like), commentId, provenance, at, text, hidden}: a guardian's export; a staff member's since 1.2",
            [ExportCollector.AccessLogKind] = "AccessLogExportItem {entryId, provenance (createdByStaff), readBy (the reader's role: teacher, leader, dpo; never who), at, kind (record, points, consents, birthDate, parentCodes, messages, portfolio, mediaDownload, export), itemId (the conversation or file read, when there is one), shredded (true: what was read is no longer readable)}: a student's export (every staff read of their data, since 1.1); a staff member's export (their own reads, since 1.2: readBy 'you', itemId always null, the student never named: each entry counts one read)",
            [ExportCollector.PortfolioActionsKind] = "PortfolioActionItem {itemId, action (comment, approved, rejected), commentId, provenance, at, text (a comment's text; null for approvals and rejections)}: a staff member's export, since 1.2; the student is not named",
        },
        otherFiles = new Dictionary<string, string>
        {
            ["media/"] = "the photos, videos and documents the items point at, decrypted",
            ["summary.html"] = "a human-readable summary in the school's language (no external resources)",
            [ExportManifest.FileName] = "every other file with its SHA-256 (hex) and size; schemaVersion",
            [ExportManifest.SignatureFileName] = "{keyId, algorithm: ES256, signature (IEEE P1363, base64)} over manifest.json's exact bytes; verify with the school's public key (GET /api/school/signing-key) and `ClassComms.Api verify-export <zip> --public-key <pem>`",
        },
        history = new Dictionary<string, string>
        {
            ["1.0"] = "first version",
            ["1.1"] = "access-log.json added to a student's export",
            ["1.2"] = "story-contributions.json, portfolio-actions.json and access-log.json (their own reads) added to a staff member's export",
        },
        notIncluded = "a guardian's export has no access log: the log records staff reads of students' data, never of a guardian's; what staff read about their child is in the child's export and their 'who looked at my child's data' view. A staff member's export has no rejection reasons (written about a student's item)",
    };
}
