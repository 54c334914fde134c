extern alias api;
using Alba;
using Microsoft.AspNetCore.Hosting;

namespace ClassComms.Benchmarks;

/// <summary>
/// The API hosted in the benchmark's process (Testing settings, so it creates its schema; real PostgreSQL and Azurite) with the
/// benchmarks' fixed keys, no demo school and no retention timer: what the retention and erasure benchmarks start.
/// </summary>
public static class InProcessApi
{
    public static Task<IAlbaHost> StartAsync(string pg, string blobs, string apiContentRoot, Action<IWebHostBuilder>? configure = null)
    {
        // WebApplicationFactory's content root for the API project (it would guess one beside the solution file).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLASSCOMMS_API", apiContentRoot);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = pg,
            ["ConnectionStrings:Blobs"] = blobs,
            ["PersonalData:MasterKey"] = Convert.ToBase64String("bench-master-key-of-thirty-two-b"u8),
            ["PersonalData:LookupKey"] = Convert.ToBase64String("bench-lookup-key-of-thirty-two-b"u8),
            ["Auth:SigningKey"] = "bench-signing-key-that-is-long-enough-for-hs256",
            ["Platform:OperatorKey"] = "bench-operator-key",
            ["Demo:Seed"] = "false",
            ["Retention:CheckInterval"] = "00:00:00",
        };
        return AlbaHost.For<api::Program>(builder =>
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            configure?.Invoke(builder);
        });
    }
}
