using JasperFx.CommandLine;

namespace ClassComms.Exports;

public sealed class VerifyExportInput
{
    [Description("The export ZIP to verify")]
    public string Zip { get; set; } = "";

    [Description("The school's public key (PEM, from GET /api/school/signing-key)")]
    public string PublicKeyFlag { get; set; } = "";
}

/// <summary>
/// <c>verify-export &lt;zip&gt; --public-key &lt;pem file&gt;</c>: checks an export offline, with no database or configuration: the school's
/// signature of the manifest, every file's SHA-256 and size, and that no file is missing or added. Exits 0 when valid, 1 otherwise.
/// </summary>
[Description("Verifies a subject access export offline: the signed manifest, every file's hash, no missing or extra file", Name = "verify-export")]
public sealed class VerifyExportCommand : JasperFxCommand<VerifyExportInput>
{
    public VerifyExportCommand()
    {
        Usage("Verify an export").Arguments(x => x.Zip);
    }

    public override bool Execute(VerifyExportInput input)
    {
        if (!File.Exists(input.Zip) || !File.Exists(input.PublicKeyFlag))
        {
            Console.WriteLine("verify-export: the ZIP and the --public-key PEM file must exist.");
            return false;
        }

        using var zip = File.OpenRead(input.Zip);
        var problems = ExportManifest.Verify(zip, File.ReadAllText(input.PublicKeyFlag));
        foreach (var problem in problems) Console.WriteLine($"verify-export: {problem}");
        Console.WriteLine(problems.Count == 0 ? "verify-export: valid" : $"verify-export: INVALID ({problems.Count} problems)");
        return problems.Count == 0;
    }
}
