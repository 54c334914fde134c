using Alba;
using ClassComms.PersonalData;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Support;

/// <summary>
/// Node B of a two-node deployment: a second API host on the same PostgreSQL database, Blob Storage and Redis as the shared
/// host (node A). Started once per test class that asks for it (<c>IClassFixture&lt;SecondNode&gt;</c>) and stopped after that
/// class, so the rest of the suite keeps its one shared host. Redis is required: without it the nodes would not form a cluster.
/// </summary>
public sealed class SecondNode : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public Api Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AppFixture.Required("ConnectionStrings__Redis");
        Host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        Api = new Api(Host);
    }

    /// <summary>Forgets what node B cached for earlier tests (the shared host's reset empties the key tables behind its back).</summary>
    public void Reset() => Host.Services.GetRequiredService<PersonalDataVault>().EvictAll();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
