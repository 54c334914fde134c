using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClassComms.Tests.Support;

/// <summary>
/// The API run as its own process (<c>dotnet ClassComms.Api.dll</c>, environment Testing unless told, the test settings), as an operator
/// runs it: a JasperFx command that exits, or the server on a free loopback port.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private ApiProcess(Process process, Uri? address)
    {
        _process = process;
        Address = address;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Where the server listens (null for a command).</summary>
    public Uri? Address { get; }

    /// <summary>Runs a command (e.g. <c>erasure reapply</c>) to its end; returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string martenConnectionString, IReadOnlyDictionary<string, string?>? overrides,
        params string[] args) => RunAsync("Testing", martenConnectionString, overrides, args);

    /// <summary>Runs a command in <paramref name="environment"/> to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string environment, string martenConnectionString,
        IReadOnlyDictionary<string, string?>? overrides, string[] args)
    {
        await using var api = Start(environment, martenConnectionString, overrides, null, args);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await api._process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"`{string.Join(' ', args)}` did not exit within 5 minutes: {await api.OutputAsync()}");
        }

        return (api._process.ExitCode, await api.OutputAsync());
    }

    /// <summary>Starts the server (no command) on a free loopback port; dispose to stop it.</summary>
    public static ApiProcess Serve(string martenConnectionString, IReadOnlyDictionary<string, string?>? overrides)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        listener.Stop();
        return Start("Testing", martenConnectionString, overrides, address, []);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed so far is only readable once it exited.</summary>
    public async Task<string> OutputAsync() => await _stdout + await _stderr;

    private static ApiProcess Start(string environment, string martenConnectionString, IReadOnlyDictionary<string, string?>? overrides, Uri? address,
        string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClassComms.Api.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var settings = AppFixture.Settings(martenConnectionString);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        if (address is not null) start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        return new ApiProcess(Process.Start(start)!, address);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await OutputAsync();
        _process.Dispose();
    }
}
