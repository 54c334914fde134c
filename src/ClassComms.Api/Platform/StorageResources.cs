using Azure.Storage.Blobs;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Privacy;
using JasperFx.CommandLine.Descriptions;
using JasperFx.Resources;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClassComms.Platform;

/// <summary>
/// The storage ClassComms owns besides Marten's and Wolverine's tables, as JasperFx stateful resources: the key table
/// (<c>personal_data.subject_keys</c>) and the Blob Storage containers (media, erasure ledger). <c>resources setup</c>
/// creates them with everything else, <c>resources check</c> checks them, and <c>describe</c> lists them.
/// Neither is ever cleared or torn down by <c>resources clear</c>/<c>teardown</c>: that would destroy every key (all
/// personal data) or the media and the append-only ledger. Keys are destroyed only by erasure.
/// </summary>
public sealed class ClassCommsStorage(SubjectKeyStore keys, MediaStore media, ErasureLedger ledger, BlobServiceClient blobs)
    : SystemPartBase("ClassComms storage", new Uri("classcomms://storage"))
{
    public IReadOnlyList<IStatefulResource> Resources { get; } =
    [
        new KeyTableResource(keys),
        new BlobContainersResource(media, ledger, blobs),
    ];

    public override ValueTask<IReadOnlyList<IStatefulResource>> FindResources() => ValueTask.FromResult(Resources);

    /// <summary>Creates or updates what is missing (what <c>resources setup</c> does for these two).</summary>
    public async Task SetupAsync(CancellationToken ct)
    {
        foreach (var resource in Resources) await resource.Setup(ct);
    }

    private sealed class KeyTableResource(SubjectKeyStore keys)
        : StatefulResourceBase("PostgreSQL", "personal_data.subject_keys", new Uri("classcomms://storage"), new Uri("postgresql://personal_data/subject_keys"))
    {
        public override Task Setup(CancellationToken token) => keys.EnsureSchemaAsync(token);

        public override async Task Check(CancellationToken token)
        {
            try
            {
                await keys.MasterKeyIdsInUseAsync(token);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                throw new InvalidOperationException("personal_data.subject_keys does not exist: run `resources setup`.", e);
            }
        }

        public override async Task<IRenderable> DetermineStatus(CancellationToken token) =>
            new Markup($"master keys wrapping live keys: {Markup.Escape(string.Join(", ", await keys.MasterKeyIdsInUseAsync(token)))}");
    }

    private sealed class BlobContainersResource(MediaStore media, ErasureLedger ledger, BlobServiceClient blobs)
        : StatefulResourceBase("BlobStorage", "containers", new Uri("classcomms://storage"), new Uri("blobs://" + MediaStore.Container))
    {
        public override async Task Setup(CancellationToken token)
        {
            await media.EnsureContainersAsync(token);
            await ledger.EnsureContainerAsync(token);
        }

        public override async Task Check(CancellationToken token)
        {
            foreach (var name in new[] { MediaStore.Container, ErasureLedger.Container })
            {
                if (!(await blobs.GetBlobContainerClient(name).ExistsAsync(token)).Value)
                {
                    throw new InvalidOperationException($"Blob container '{name}' does not exist: run `resources setup`.");
                }
            }
        }
    }
}
