using ClassComms.Platform;
using JasperFx.CommandLine;

namespace ClassComms.AccessLog;

public sealed class VerifyAccessLogInput : NetCoreInput
{
    [Description("Verify one school's chain only (its id)")]
    public string? SchoolFlag { get; set; }
}

/// <summary>
/// <c>verify-access-log [--school id]</c>: walks each school's access log chain (or one school's) and prints, per school, the
/// number of entries and either the head hash or the first broken link; exits 1 when any chain is broken. Ids only.
/// </summary>
[Description("Verify the access log's hash chain per school: 'verify-access-log [--school id]' prints the first broken link, if any", Name = "verify-access-log")]
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

        using var host = input.BuildHost();
        var db = host.Services.GetRequiredService<ClassCommsDatabase>().DataSource;
        var schools = only is { } one ? [one] : await AccessLogChain.SchoolsAsync(db, CancellationToken.None);
        var intact = true;
        foreach (var school in schools)
        {
            var result = await AccessLogChain.VerifyAsync(db, school, CancellationToken.None);
            intact &= result.Intact;
            Console.WriteLine(result.Intact
                ? $"verify-access-log: school {school}: {result.Entries} entries, chain intact, head {result.HeadHash ?? "(empty)"}"
                : $"verify-access-log: school {school}: BROKEN at entry {result.FirstBrokenSeq}: {result.Problem} ({result.Entries} entries verified before it)");
        }

        if (schools.Count == 0) Console.WriteLine("verify-access-log: no access log entries.");
        return intact;
    }
}
