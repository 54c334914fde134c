using JasperFx.CommandLine;

namespace ClassComms.AccessLog;

public sealed class VerifyAccessLogHeadInput
{
    [Description("The signed head saved from a verification (the signedHead JSON)")]
    public string Head { get; set; } = "";

    [Description("The school's public key (PEM, from GET /api/school/signing-key)")]
    public string PublicKeyFlag { get; set; } = "";
}

/// <summary>
/// <c>verify-access-log-head &lt;head.json&gt; --public-key &lt;pem file&gt;</c>: offline, with no database or configuration, checks that a saved
/// head (entry number, hash, school, time) is signed by the school's key; prints what it attests. Exits 0 when the signature is valid.
/// Whether the current log still contains it is <c>verify-access-log --head</c>'s job.
/// </summary>
[Description("Verifies a saved signed access log head offline: the school's ES256 signature over entry number, hash, school and time", Name = "verify-access-log-head")]
public sealed class VerifyAccessLogHeadCommand : JasperFxCommand<VerifyAccessLogHeadInput>
{
    public VerifyAccessLogHeadCommand()
    {
        Usage("Verify a signed head").Arguments(x => x.Head);
    }

    public override bool Execute(VerifyAccessLogHeadInput input)
    {
        if (!File.Exists(input.Head) || !File.Exists(input.PublicKeyFlag))
        {
            Console.WriteLine("verify-access-log-head: the head file and the --public-key PEM file must exist.");
            return false;
        }

        var saved = SignedAccessLogHead.Parse(File.ReadAllText(input.Head));
        if (saved is null)
        {
            Console.WriteLine("verify-access-log-head: not a signed head.");
            return false;
        }

        var valid = saved.Verify(File.ReadAllText(input.PublicKeyFlag));
        Console.WriteLine(valid
            ? $"verify-access-log-head: valid: school {saved.Head.SchoolId}, entry {saved.Head.Seq}, hash {saved.Head.Hash}, signed {saved.Head.At:O}"
            : "verify-access-log-head: INVALID: the signature does not verify with this key");
        return valid;
    }
}
