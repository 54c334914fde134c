using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ClassComms.Tests.Support;

/// <summary>
/// Privacy proof for Blob Storage: reads every blob (with snapshots and versions) of every container and looks for
/// personal values (UTF-8 and UTF-16) and known plaintext file content; with the local Azurite of infra/test.sh it
/// also reads Azurite's files on disk, where deleted and uncommitted bytes linger until its garbage collection.
/// Use values unique to the test (stale data from earlier runs may linger on disk).
/// </summary>
public static class StorageScan
{
    /// <summary>What was found where ("container/blob: needle #i"), never the value itself.</summary>
    public static async Task<IReadOnlyList<string>> FindInBlobsAsync(BlobServiceClient blobs, IReadOnlyList<byte[]> needles)
    {
        var hits = new List<string>();
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Snapshots | BlobStates.Version }))
            {
                var blob = client.GetBlobClient(item.Name);
                if (item.Snapshot is not null) blob = blob.WithSnapshot(item.Snapshot);
                else if (item.VersionId is not null && item.IsLatestVersion != true) blob = blob.WithVersion(item.VersionId);
                var bytes = (await blob.DownloadContentAsync()).Value.Content.ToMemory();
                hits.AddRange(Matches(bytes.Span, needles).Select(i => $"{container.Name}/{item.Name}: needle #{i}"));
            }
        }

        return hits;
    }

    /// <summary>Azurite's data files (extents and metadata), when the tests run against infra/azurite.sh's local instance.</summary>
    public static IReadOnlyList<string> FindOnAzuriteDisk(IReadOnlyList<byte[]> needles)
    {
        var hits = new List<string>();
        if (AzuriteDirectory() is not { } directory) return hits;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            }
            catch (IOException)
            {
                continue; // rotated away while we looked
            }

            hits.AddRange(Matches(bytes, needles).Select(i => $"{Path.GetRelativePath(directory, file)}: needle #{i}"));
        }

        return hits;
    }

    /// <summary>Fails if any blob of any container, or Azurite's disk, holds one of the values or contents.</summary>
    public static async Task AssertAbsentAsync(BlobServiceClient blobs, IEnumerable<string> values, params byte[][] contents)
    {
        var needles = Needles(values, contents);
        var hits = (await FindInBlobsAsync(blobs, needles)).Concat(FindOnAzuriteDisk(needles)).ToList();
        Assert.True(hits.Count == 0, $"Blob Storage holds plaintext: {string.Join("; ", hits)}");
    }

    /// <summary>UTF-8 and UTF-16 forms of each value, then each content as is.</summary>
    public static IReadOnlyList<byte[]> Needles(IEnumerable<string> values, IEnumerable<byte[]> contents) =>
        values.SelectMany(v => new[] { Encoding.UTF8.GetBytes(v), Encoding.Unicode.GetBytes(v) }).Concat(contents).ToList();

    /// <summary>Whether the local Azurite's files can be read by this test run.</summary>
    public static bool CanReadAzuriteDisk => AzuriteDirectory() is not null;

    private static IEnumerable<int> Matches(ReadOnlySpan<byte> haystack, IReadOnlyList<byte[]> needles)
    {
        var found = new List<int>();
        for (var i = 0; i < needles.Count; i++)
        {
            if (needles[i].Length > 0 && haystack.IndexOf(needles[i]) >= 0) found.Add(i);
        }

        return found;
    }

    private static string? AzuriteDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) continue;
            var azurite = Path.Combine(dir.FullName, ".data", "azurite");
            var port = new Uri(AppFixture.Required("ConnectionStrings__Blobs").Split(';')
                .First(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..]).Port;
            var pidFile = Path.Combine(dir.FullName, ".data", "azurite.pid");
            // Only when this repository's Azurite serves the connection string's port (infra/azurite.sh writes "<pid> <port>").
            return Directory.Exists(azurite) && File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().EndsWith($" {port}", StringComparison.Ordinal)
                ? azurite
                : null;
        }

        return null;
    }
}
