using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ClassComms.PersonalData;

/// <summary>
/// Keyed HMAC-SHA256 of a normalised value, so that a secret (parent code) or a personal value
/// (login e-mail) can be looked up without being stored.
/// </summary>
public sealed class BlindIndex(IOptions<PersonalDataOptions> options)
{
    private readonly byte[] _key = PersonalDataOptions.DecodeKey(options.Value.LookupKey, nameof(PersonalDataOptions.LookupKey));

    public string Of(string purpose, string value)
    {
        var normalised = value.Trim().ToUpperInvariant();
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}|{normalised}"));
        return Convert.ToHexStringLower(mac);
    }
}
