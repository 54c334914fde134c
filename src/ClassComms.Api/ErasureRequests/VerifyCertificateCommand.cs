using JasperFx.CommandLine;

namespace ClassComms.ErasureRequests;

public sealed class VerifyCertificateInput
{
    [Description("The certificate file (as downloaded from GET /api/erasure-requests/{id}/certificate)")]
    public string File { get; set; } = "";

    [Description("The school's public signing key, PEM (GET /api/school/signing-key)")]
    public string PublicKeyFlag { get; set; } = "";
}

/// <summary>
/// <c>verify-certificate &lt;file&gt; --public-key &lt;pem file&gt;</c>: checks an erasure certificate's signature offline (no database, no
/// configuration); exit 0 when it verifies, 1 otherwise.
/// </summary>
[Description("Verify an erasure certificate offline: 'verify-certificate <file> --public-key <pem file>'", Name = "verify-certificate")]
public sealed class VerifyCertificateCommand : JasperFxCommand<VerifyCertificateInput>
{
    public VerifyCertificateCommand()
    {
        Usage("Verify a certificate").Arguments(x => x.File);
    }

    public override bool Execute(VerifyCertificateInput input)
    {
        if (string.IsNullOrEmpty(input.PublicKeyFlag) || !System.IO.File.Exists(input.PublicKeyFlag) || !System.IO.File.Exists(input.File))
        {
            Console.WriteLine("verify-certificate: give the certificate file and --public-key <pem file>; both must exist.");
            return false;
        }

        var problem = ErasureCertificateFile.Verify(System.IO.File.ReadAllBytes(input.File), System.IO.File.ReadAllText(input.PublicKeyFlag));
        Console.WriteLine(problem is null ? "verify-certificate: OK, signed by the given key." : $"verify-certificate: FAILED, {problem}.");
        return problem is null;
    }
}
