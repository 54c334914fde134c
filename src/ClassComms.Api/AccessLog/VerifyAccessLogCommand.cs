using System.Security.Cryptography;
using ClassComms.Platform;
using JasperFx.CommandLine;

namespace ClassComms.AccessLog;

public sealed class VerifyAccessLogInput : NetCoreInput
{
    [Description("Verify one school's chain only (its id)")]
    public string? SchoolFlag { get; set; }

    [Description("A signed head saved from an earlier verification (JSON file): check the current chain still contains it")]
    public string? HeadFlag { get; set; }

    [Description("With --head: the school's public key (PEM) to check its signature with, instead of the key in the database")]
    public string? PublicKeyFlag { get; set; }
}

/// <summary>
/// <c>verify-access-log [--school id]</c>: walks each school's access log chain (or one school's), from its retention anchor if any, and
/// prints, per school, the number of entries and either the head hash or the first broken link; exits 1 when any chain is broken.
/// <c>verify-access-log --head saved.json [--public-key pem]</c>: checks a signed head kept from an earlier verification: its signature,
/// the current chain, and that its entry still has the signed hash (a rewritten, re-chained log is detected); exits 0 only when contained.
/// Ids only.
/// </summary>
[Description("Verify the access log's hash chain per school: 'verify-access-log [--school id]' prints the first broken link, if any; '--head file' checks a saved signed head", Name = "verify-access-log")]
public sealed class VerifyAccessLogCommand : JasperFxAsyncCommand<VerifyAccessLogInput>
{
    public VerifyAccessLogCommand()
    {
        Usage("Verify every school's access log");
    }

    public override async Task<bool> Execute(VerifyAccessLogInput input)
    {
        Guid? only = null;
        if (input.SchoolFlag is { } text)
        {
            if (!Guid.TryParse(text, out var parsed))
            {
                Console.WriteLine("verify-access-log: --school must be a school id (a GUID).");
                return false;
            }

            only = parsed;
        }

        SignedAccessLogHead? saved = null;
        byte[]? publicKey = null;
        if (input.HeadFlag is { } headFile)
        {
            saved = File.Exists(headFile) ? SignedAccessLogHead.Parse(await File.ReadAllTextAsync(headFile)) : null;
            if (saved is null)
            {
                Console.WriteLine("verify-access-log: --head must be a signed head saved from a verification (JSON).");
                return false;
            }

            if (input.PublicKeyFlag is { } pem)
            {
                try
                {
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportFromPem(await File.ReadAllTextAsync(pem));
                    publicKey = ecdsa.ExportSubjectPublicKeyInfo();
                }
                catch (Exception e) when (e is IOException or ArgumentException or CryptographicException)
                {
                    Console.WriteLine("verify-access-log: --public-key must be a PEM public key file.");
                    return false;
                }
            }
        }

        using var host = input.BuildHost();
        var verifier = host.Services.GetRequiredService<AccessLogVerifier>();
        if (saved is not null)
        {
            var check = await verifier.CheckHeadAsync(only ?? saved.Head.SchoolId, saved, CancellationToken.None, publicKey);
            Console.WriteLine(check.Contained
                ? $"verify-access-log: school {saved.Head.SchoolId}: entry {saved.Head.Seq} still has the signed hash {saved.Head.Hash}, chain intact ({check.Verification?.Entries} entries)"
                : $"verify-access-log: school {saved.Head.SchoolId}: {check.Outcome.ToUpperInvariant()}: {check.Problem}");
            return check.Contained;
        }

        var db = host.Services.GetRequiredService<ClassCommsDatabase>().DataSource;
        var schools = only is { } one ? [one] : await AccessLogChain.SchoolsAsync(db, CancellationToken.None);
        var intact = true;
        foreach (var school in schools)
        {
            var result = await verifier.VerifyAsync(school, CancellationToken.None, sign: false);
            intact &= result.Intact;
            var from = result.Anchor is { } anchor ? $" after the retention anchor at entry {anchor.Head.Head.Seq}" : "";
            Console.WriteLine(result.Intact
                ? $"verify-access-log: school {school}: {result.Entries} entries{from}, chain intact, head {result.HeadHash ?? "(empty)"}"
                : $"verify-access-log: school {school}: BROKEN at entry {result.FirstBrokenSeq}: {result.Problem} ({result.Entries} entries verified before it)");
        }

        if (schools.Count == 0) Console.WriteLine("verify-access-log: no access log entries.");
        return intact;
    }
}
