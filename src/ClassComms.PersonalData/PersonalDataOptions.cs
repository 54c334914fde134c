using System.Globalization;

namespace ClassComms.PersonalData;

/// <summary>Bound from the <c>PersonalData</c> configuration section. Keys are base64, 32 bytes.</summary>
public sealed class PersonalDataOptions
{
    public const string Section = "PersonalData";

    /// <summary>The id under which the single legacy <see cref="MasterKey"/> is known.</summary>
    public const string DefaultMasterKeyId = "default";

    /// <summary>Legacy single key-encryption key; known as master key <c>default</c>. Keep it in a secret store.</summary>
    public string MasterKey { get; set; } = "";

    /// <summary>Key-encryption keys by id (epoch): the current one and any older one still wrapping a key.</summary>
    public Dictionary<string, string> MasterKeys { get; set; } = new();

    /// <summary>Id of the master key that wraps new data keys and that <c>RewrapAllAsync</c> rewraps to.</summary>
    public string CurrentMasterKeyId { get; set; } = "";

    /// <summary>
    /// Rewrap every live data key under the current master key in the background at each start (default true). Turn it
    /// off to run <c>keys rewrap</c> once instead, e.g. from a deployment step, rather than on every node at every start.
    /// </summary>
    public bool RewrapAtStartup { get; set; } = true;

    /// <summary>Legacy single HMAC key for blind indexes; known as lookup-key version <c>1</c>.</summary>
    public string LookupKey { get; set; } = "";

    /// <summary>Blind-index HMAC keys by version (a positive integer).</summary>
    public Dictionary<string, string> LookupKeys { get; set; } = new();

    /// <summary>Version of the lookup key used for new blind indexes (default: the highest configured).</summary>
    public int? CurrentLookupKeyVersion { get; set; }

    /// <summary>Connection string of the database that holds <c>personal_data.subject_keys</c>.</summary>
    public string KeyStoreConnectionString { get; set; } = "";

    /// <summary>Connection string of the event store, set by the host, so a shared key database can be refused in production.</summary>
    public string EventStoreConnectionString { get; set; } = "";

    /// <summary>Lets a production host keep its keys in the event-store database (not recommended).</summary>
    public bool AllowSharedKeyDatabase { get; set; }

    /// <summary>Absolute lifetime of an unwrapped data key in this node's memory.</summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most data keys held unwrapped in this node's memory at once.</summary>
    public int KeyCacheSize { get; set; } = 10_000;

    /// <summary>Month and day (UTC, <c>MM-dd</c>) on which a key period (school year) starts; a period is named by its starting year.</summary>
    public string KeyPeriodStart { get; set; } = "08-01";

    internal (int Month, int Day) ParsePeriodStart() =>
        DateTime.TryParseExact($"2000-{KeyPeriodStart}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? (d.Month, d.Day)
            : throw new InvalidOperationException($"{Section}:{nameof(KeyPeriodStart)} must be MM-dd.");

    internal static byte[] DecodeKey(string value, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{Section}:{name} must be base64.");
        }

        return bytes.Length == 32
            ? bytes
            : throw new InvalidOperationException($"{Section}:{name} must be 32 bytes (base64), got {bytes.Length}.");
    }
}
