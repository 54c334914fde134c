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

    /// <summary>A backup as an operator takes one: <c>pg_dump -Fc</c> of the test database into <paramref name="path"/>.</summary>
    public static async Task SaveAsync(string path)
    {
        var cs = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        await RunAsync(Tool("pg_dump"), ["-Fc", "--no-owner", "--no-privileges", "-f", path, .. Connection(cs), cs.Database!], cs);
    }

    /// <summary>Restores a <see cref="SaveAsync"/> backup into a fresh database <paramref name="name"/> (dropped first if it exists); returns its connection string.</summary>
    public static async Task<string> RestoreIntoNewDatabaseAsync(string path, string name)
    {
        var restored = await CreateEmptyAsync(name);
        var cs = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        await RunAsync(Tool("pg_restore"), ["--no-owner", "--no-privileges", "--exit-on-error", .. Connection(cs), "-d", name, path], cs);
        return restored;
    }

    /// <summary>A fresh empty database <paramref name="name"/> (dropped first if it exists); returns its connection string.</summary>
    public static async Task<string> CreateEmptyAsync(string name)
    {
        var cs = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        await DropAsync(name);
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(cs.ConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string name)
    {
        var cs = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten")) { Database = "postgres" };
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(cs.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string[] Connection(NpgsqlConnectionStringBuilder cs) => ["-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!];

    private static async Task RunAsync(string tool, string[] args, NpgsqlConnectionStringBuilder cs)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(tool)} failed: {await error}");
    }

    private static string PgDump() => Tool("pg_dump");

    /// <summary>A PostgreSQL client tool of the newest installed server version (pg_dump and pg_restore from the same binaries).</summary>
    private static string Tool(string name)
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions.Select(v => Path.Combine(v, "bin", name)).Where(File.Exists).OrderDescending().FirstOrDefault() ?? name;
    }
}
