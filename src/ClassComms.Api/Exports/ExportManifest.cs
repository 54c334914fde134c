using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ClassComms.Dpo;

namespace ClassComms.Exports;

/// <summary>One file of the ZIP: its path, lower-case hex SHA-256 and size in bytes.</summary>
public sealed record ManifestFile(string Path, string Sha256, long Size);

/// <summary>
/// <c>manifest.json</c>: every other file of the ZIP (all but the manifest and its signature) with its hash and size. Signed by the
/// school (<c>manifest.sig.json</c>, a <see cref="DetachedSignature"/> over the manifest's exact bytes).
/// </summary>
public sealed record ExportManifest(string SchemaVersion, Guid ExportId, Guid SchoolId, string SubjectKind, Guid SubjectId, string Scope,
    DateTimeOffset CreatedAt, IReadOnlyList<ManifestFile> Files)
{
    public const string FileName = "manifest.json";
    public const string SignatureFileName = "manifest.sig.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Verifies an export offline: the signature of the manifest by <paramref name="publicKeyPem"/>, every listed file present with its hash
    /// and size, and no file that the manifest does not list. Returns the problems found (none: valid). Never throws for a malformed ZIP.
    /// </summary>
    public static IReadOnlyList<string> Verify(Stream zip, string publicKeyPem)
    {
        var problems = new List<string>();
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (!entries.TryAdd(entry.FullName, entry)) problems.Add($"duplicate entry: {entry.FullName}");
            }

            if (!entries.TryGetValue(FileName, out var manifestEntry)) return [.. problems, $"missing {FileName}"];
            if (!entries.TryGetValue(SignatureFileName, out var signatureEntry)) return [.. problems, $"missing {SignatureFileName}"];
            var manifestBytes = ReadAll(manifestEntry);
            var signature = JsonSerializer.Deserialize<DetachedSignature>(ReadAll(signatureEntry), Json);
            if (signature is null || !SchoolSigning.Verify(manifestBytes, signature, publicKeyPem)) problems.Add("the manifest's signature does not verify with this key");
            var manifest = JsonSerializer.Deserialize<ExportManifest>(manifestBytes, Json);
            if (manifest?.Files is null) return [.. problems, "the manifest is unreadable"];

            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in manifest.Files)
            {
                if (!listed.Add(file.Path)) problems.Add($"listed twice: {file.Path}");
                if (!entries.TryGetValue(file.Path, out var entry))
                {
                    problems.Add($"missing: {file.Path}");
                    continue;
                }

                using var content = entry.Open();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                long size = 0;
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    size += read;
                }

                if (size != file.Size || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256) problems.Add($"altered: {file.Path}");
            }

            foreach (var path in entries.Keys.Where(p => p != FileName && p != SignatureFileName && !listed.Contains(p))) problems.Add($"not listed: {path}");
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or NotSupportedException)
        {
            problems.Add("not a readable export ZIP");
        }

        return problems;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
