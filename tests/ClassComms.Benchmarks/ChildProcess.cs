using System.Diagnostics;

namespace ClassComms.Benchmarks;

/// <summary>What the drivers ask of a child process they started (the API, a baseline server), tolerant of one that has exited.</summary>
internal static class ChildProcess
{
    /// <summary>CPU time the process has used so far (zero once it has exited).</summary>
    public static TimeSpan ProcessorTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Kills the process and its children, if still running.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
