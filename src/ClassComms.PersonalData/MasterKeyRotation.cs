using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClassComms.PersonalData;

/// <summary>
/// At start-up, in the background, rewraps every data key still wrapped under an older master key with the current one
/// (<see cref="PersonalDataVault.RewrapAllAsync"/>) and logs which master keys still wrap live keys. Rotation is therefore:
/// add the new key under <c>PersonalData:MasterKeys:{id}</c>, make it <c>CurrentMasterKeyId</c>, restart; once the log
/// lists only the new id, remove the old key from configuration and destroy it. Off when
/// <c>PersonalData:RewrapAtStartup</c> is false; the host's <c>keys rewrap</c> command does the same on demand.
/// </summary>
public sealed class MasterKeyRotation(PersonalDataVault vault, SubjectKeyStore store, IOptions<PersonalDataOptions> options,
    ILogger<MasterKeyRotation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RewrapAtStartup) return;
        try
        {
            var rewrapped = await vault.RewrapAllAsync(stoppingToken);
            var inUse = await store.MasterKeyIdsInUseAsync(stoppingToken);
            logger.LogInformation("Rewrapped {Count} data keys under the current master key; master keys still wrapping live keys: {MasterKeyIds}",
                rewrapped, string.Join(", ", inUse));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is CryptographicException or NpgsqlException)
        {
            logger.LogError(e, "Rewrapping data keys under the current master key failed");
        }
    }
}
