using System.Diagnostics;
using Npgsql;

namespace ClassComms.Tests.Support;

/// <summary>A plain-text pg_dump of the whole test database: every schema and table, events, documents, Wolverine and keys.</summary>
public static class DatabaseDump
{
    public static async Task<string> TakeAsync()
    {
        var cs = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        var start = new ProcessStartInfo(PgDump(), ["--no-owner", "--no-privileges", "--inserts", "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, cs.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        var dump = await output;
        Assert.Contains("mt_events", dump);
        Assert.Contains("wolverine_dead_letters", dump);
        Assert.Contains("subject_keys", dump);
        return dump;
    }

    private static string PgDump()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions.Select(v => Path.Combine(v, "bin", "pg_dump")).Where(File.Exists).OrderDescending().FirstOrDefault() ?? "pg_dump";
    }
}
