using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ClassComms.PersonalData;

/// <summary>
/// Keyed HMAC-SHA256 of a normalised value, so that a secret (parent code) or a personal value
/// (login e-mail) can be looked up without being stored. Lookup keys are versioned
/// (<c>PersonalData:LookupKeys:{version}</c>; the legacy single <c>LookupKey</c> is version 1): new indexes use the current
/// version, and a lookup tries every candidate of <see cref="AllOf"/>, current first. Version 1 indexes are bare hex,
/// later ones are prefixed <c>v{version}-</c>.
/// </summary>
public sealed class BlindIndex
{
    private readonly SortedDictionary<int, byte[]> _keys = new(Comparer<int>.Create((a, b) => b.CompareTo(a)));
    private readonly int _current;

    public BlindIndex(IOptions<PersonalDataOptions> options)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.LookupKey)) _keys[1] = PersonalDataOptions.DecodeKey(o.LookupKey, nameof(o.LookupKey));
        foreach (var (version, value) in o.LookupKeys)
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            {
                throw new InvalidOperationException($"{PersonalDataOptions.Section}:LookupKeys versions must be positive integers.");
            }

            _keys[v] = PersonalDataOptions.DecodeKey(value, $"LookupKeys:{version}");
        }

        if (_keys.Count == 0) throw new InvalidOperationException($"{PersonalDataOptions.Section}:LookupKeys (or LookupKey) is required.");
        _current = o.CurrentLookupKeyVersion ?? _keys.Keys.First();
        if (!_keys.ContainsKey(_current))
        {
            throw new InvalidOperationException($"{PersonalDataOptions.Section}:CurrentLookupKeyVersion {_current} is not among the configured lookup keys.");
        }
    }

    /// <summary>The index of a new value, under the current lookup key.</summary>
    public string Of(string purpose, string value) => Of(_current, purpose, value);

    /// <summary>Every index the value may have been stored under: the current version first, then older ones, newest first.</summary>
    public IReadOnlyList<string> AllOf(string purpose, string value) =>
        [Of(_current, purpose, value), .. _keys.Keys.Where(v => v != _current).Select(v => Of(v, purpose, value))];

    private string Of(int version, string purpose, string value)
    {
        var normalised = value.Trim().ToUpperInvariant();
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(_keys[version], Encoding.UTF8.GetBytes($"{purpose}|{normalised}")));
        return version == 1 ? mac : $"v{version}-{mac}";
    }
}
