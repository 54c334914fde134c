using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClassComms.Benchmarks;

/// <summary>Latency samples in milliseconds, plus the count of sends that never arrived within the timeout.</summary>
public sealed class Samples(string name)
{
    private readonly List<double> _values = [];

    public string Name { get; } = name;
    public int Lost { get; private set; }
    public int Count => _values.Count;

    public void Add(double milliseconds) => _values.Add(milliseconds);

    public void AddLost(int count = 1) => Lost += count;

    /// <summary>Nearest-rank percentile on the sorted samples: the value at rank ⌈p/100 · n⌉ (1-based).</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0) return double.NaN;
        var sorted = _values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public double Max => _values.Count == 0 ? double.NaN : _values.Max();

    public string Summary() =>
        $"{Name}: n={Count} lost={Lost} p50={Ms(Percentile(50))} p90={Ms(Percentile(90))} p99={Ms(Percentile(99))} max={Ms(Max)} ms";

    public static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Monotonic clock shared by senders and receivers in this process.</summary>
public static class Clock
{
    public static long Now() => Stopwatch.GetTimestamp();

    public static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>
/// Arrival timestamps keyed by (receiver, message id). The push may arrive before the sender has even read the id
/// from the HTTP response, so whichever side comes first creates the slot; the arrival time is taken in the
/// client callback and latencies are computed afterwards.
/// </summary>
public sealed class Receipts<TId> where TId : notnull
{
    private readonly ConcurrentDictionary<(int Receiver, TId Id), TaskCompletionSource<long>> _slots = new();

    private TaskCompletionSource<long> Slot(int receiver, TId id) =>
        _slots.GetOrAdd((receiver, id), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Called from the SignalR client callback; only the first arrival counts.</summary>
    public void Arrived(int receiver, TId id) => Slot(receiver, id).TrySetResult(Clock.Now());

    /// <summary>The arrival timestamp, or null when nothing arrived within <paramref name="timeout"/> (lost).</summary>
    public async Task<long?> WaitAsync(int receiver, TId id, TimeSpan timeout)
    {
        var slot = Slot(receiver, id);
        try
        {
            return await slot.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _slots.TryRemove((receiver, id), out _);
        }
    }
}

/// <summary>
/// Noise indicator for a shared box: CPU seconds the whole machine spent busy (from /proc/stat) against those
/// spent by this process and the API process over the same interval. The rest is "others" (PostgreSQL serving
/// us included, but also anything else that happened to run).
/// </summary>
public sealed class CpuMeter(Func<TimeSpan> apiCpu)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly double _machine = MachineBusySeconds();
    private readonly double _steal = StolenSeconds();
    private readonly TimeSpan _self = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _api = apiCpu();

    public string Report()
    {
        var (machine, self, api, others) = Split();
        var stolen = StolenSeconds() - _steal;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{_wall.Elapsed.TotalSeconds:0.0} s wall, {Environment.ProcessorCount} cores: machine busy {machine:0.0} CPU-s = load driver+baseline {self:0.0} + API {api:0.0} + others (PostgreSQL, anything else) {others:0.0}, of which stolen by the hypervisor {stolen:0.0}; load average {LoadAverage()}");
    }

    /// <summary>CPU-s since this meter started: the whole machine, this process (driver, and the baseline endpoint when it runs
    /// here), the API process, and the rest (PostgreSQL, anything else).</summary>
    public CpuSplit Split()
    {
        var machine = MachineBusySeconds() - _machine;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalSeconds;
        var api = (apiCpu() - _api).TotalSeconds;
        return new CpuSplit(machine, self, api, Math.Max(0, machine - self - api));
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static double MachineBusySeconds() =>
        CpuFields() is { } f ? (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100.0 : double.NaN;

    /// <summary>CPU time the hypervisor gave other guests while this one wanted it (a shared host's noise, in CPU-s).</summary>
    private static double StolenSeconds() => CpuFields() is { } f ? f[7] / 100.0 : double.NaN;

    private static long[]? CpuFields()
    {
        try
        {
            // cpu user nice system idle iowait irq softirq steal ... (USER_HZ = 100 on Linux)
            return File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(long.Parse).ToArray();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>CPU-s of one measured phase (<see cref="CpuMeter.Split"/>).</summary>
public sealed record CpuSplit(double Machine, double Driver, double Api, double Others);
