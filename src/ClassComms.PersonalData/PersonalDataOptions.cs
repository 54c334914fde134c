namespace ClassComms.PersonalData;

/// <summary>Bound from the <c>PersonalData</c> configuration section. Keys are base64, 32 bytes.</summary>
public sealed class PersonalDataOptions
{
    public const string Section = "PersonalData";

    /// <summary>Key-encryption key that wraps every per-subject data key. Keep it in a secret store.</summary>
    public string MasterKey { get; set; } = "";

    /// <summary>HMAC key for blind indexes (e-mail lookup at login, parent-code lookup).</summary>
    public string LookupKey { get; set; } = "";

    /// <summary>Connection string of the database that holds <c>personal_data.subject_keys</c>.</summary>
    public string KeyStoreConnectionString { get; set; } = "";

    /// <summary>How long an unwrapped data key stays in this node's memory.</summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

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
