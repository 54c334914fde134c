using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace ClassComms.Benchmarks;

/// <summary>
/// What the API costs while nobody uses it: the API process's CPU time (Linux /proc/pid/stat, user + system) over a window
/// after it settled, as a percentage of one core, and the transactions and statements its background loops (Wolverine's
/// durability agent and node assignments, the PostgreSQL transport's listeners, Marten's async daemon) sent to PostgreSQL
/// in that window (pg_stat_database of the benchmark database). infra/bench.sh idle.
/// </summary>
public static class IdleCpu
{
    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string output, TimeSpan settle, TimeSpan window)
    {
        await using var api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(3));
        var pid = MediaMemory.ApiPid(api.BaseAddress) ?? throw new InvalidOperationException("Cannot find the API process in /proc.");
        Console.Error.WriteLine($"bench idle: API pid {pid} ready; settling {settle.TotalSeconds:0} s, then measuring {window.TotalSeconds:0} s");
        await Task.Delay(settle);

        var database = new NpgsqlConnectionStringBuilder(pg).Database!;
        var (cpu0, xact0) = (CpuSeconds(pid), await TransactionsAsync(pg, database));
        var machine0 = MachineBusy();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var seconds = clock.Elapsed.TotalSeconds;
        var (cpu1, xact1) = (CpuSeconds(pid), await TransactionsAsync(pg, database));
        var machine1 = MachineBusy();

        var percent = 100 * (cpu1 - cpu0) / seconds;
        var tps = (xact1 - xact0) / seconds;
        var machineBusy = 100 * (machine1.Busy - machine0.Busy) / Math.Max(1e-9, machine1.Total - machine0.Total);
        var text = new StringBuilder()
            .AppendLine($"# Idle cost ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, API {apiDll})")
            .AppendLine()
            .AppendLine($"Settled {settle.TotalSeconds:0} s after /health/ready, measured over {seconds:0.0} s with no requests.")
            .AppendLine()
            .AppendLine("| Measure | Value |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| API CPU (user + system), % of one core | {percent:0.0} % |")
            .AppendLine(CultureInfo.InvariantCulture, $"| PostgreSQL transactions committed in the API's database, per second | {tps:0.0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| Whole machine busy (all processes, shared box), % of all cores | {machineBusy:0.0} % |")
            .ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine(text);
        return 0;
    }

    /// <summary>utime + stime of the process, in seconds (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static (double Busy, double Total) MachineBusy()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(double.Parse).ToArray();
        var idle = cpu[3] + cpu[4];
        var total = cpu.Take(8).Sum();
        return (total - idle, total);
    }

    private static async Task<long> TransactionsAsync(string pg, string database)
    {
        var admin = new NpgsqlConnectionStringBuilder(pg) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select xact_commit + xact_rollback from pg_stat_database where datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
