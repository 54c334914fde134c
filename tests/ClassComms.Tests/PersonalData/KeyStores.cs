using System.Security.Cryptography;
using System.Text;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClassComms.Tests.PersonalData;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A vault and key store of its own (own master keys, clock or database), beside the shared host's.</summary>
public sealed class StandaloneVault : IAsyncDisposable
{
    private StandaloneVault(PersonalDataOptions options, TimeProvider clock)
    {
        Options = options;
        Store = new SubjectKeyStore(Microsoft.Extensions.Options.Options.Create(options));
        Vault = new PersonalDataVault(Store, Microsoft.Extensions.Options.Options.Create(options), clock);
    }

    public PersonalDataOptions Options { get; }
    public SubjectKeyStore Store { get; }
    public PersonalDataVault Vault { get; }

    public static async Task<StandaloneVault> CreateAsync(Action<PersonalDataOptions> configure, TimeProvider? clock = null, string? connectionString = null)
    {
        var options = new PersonalDataOptions
        {
            KeyStoreConnectionString = connectionString ?? AppFixture.Required("ConnectionStrings__Marten"),
            LookupKey = KeyStores.NewKey(),
        };
        configure(options);
        var vault = new StandaloneVault(options, clock ?? TimeProvider.System);
        await vault.Store.EnsureSchemaAsync(CancellationToken.None);
        return vault;
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}

public static class KeyStores
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Empties the key table of <paramref name="connectionString"/> and tells every node to drop its cached keys (tests only).</summary>
    public static async Task DeleteAllAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"truncate personal_data.subject_keys; select pg_notify('{SubjectKeyStore.EvictionChannel}', '*')", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The host's test master key (id <c>default</c>), see <see cref="AppFixture"/>.</summary>
    public static byte[] TestMasterKey => "test-master-key-of-thirty-two-by"u8.ToArray();

    /// <summary>Connection string of a database of its own for keys (created on first use).</summary>
    public static async Task<string> DedicatedKeyDatabaseAsync(string name = "classcomms_keys_tests")
    {
        var builder = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", admin);
            exists.Parameters.AddWithValue(name);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
        }

        builder.Database = name;
        return builder.ConnectionString;
    }

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>True when any 16-byte run of <paramref name="secret"/> appears in <paramref name="haystack"/>.</summary>
    public static bool ContainsAnyPart(byte[] haystack, byte[] secret)
    {
        for (var i = 0; i + 16 <= secret.Length; i += 8)
        {
            if (Contains(haystack, secret.AsSpan(i, 16))) return true;
        }

        return false;
    }

    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
