namespace ClassComms.PersonalData;

/// <summary>
/// The configured key-encryption keys by id (epoch). Every wrapped data key names the master key that wrapped it;
/// new keys are wrapped under <see cref="CurrentId"/>. Dropping an id from configuration (after
/// <see cref="PersonalDataVault.RewrapAllAsync"/>) makes every stale copy wrapped under it unreadable.
/// </summary>
internal sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public MasterKeyRing(PersonalDataOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            _keys[PersonalDataOptions.DefaultMasterKeyId] = PersonalDataOptions.DecodeKey(options.MasterKey, nameof(options.MasterKey));
        }

        foreach (var (id, value) in options.MasterKeys)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (id.Length is 0 or > 64) throw new InvalidOperationException($"{PersonalDataOptions.Section}:MasterKeys ids must be 1-64 characters.");
            _keys[id] = PersonalDataOptions.DecodeKey(value, $"MasterKeys:{id}");
        }

        if (_keys.Count == 0) throw new InvalidOperationException($"{PersonalDataOptions.Section}:MasterKeys (or MasterKey) is required.");
        CurrentId = !string.IsNullOrWhiteSpace(options.CurrentMasterKeyId) ? options.CurrentMasterKeyId
            : _keys.Count == 1 ? _keys.Keys.Single()
            : throw new InvalidOperationException($"{PersonalDataOptions.Section}:CurrentMasterKeyId is required when several master keys are configured.");
        if (!_keys.ContainsKey(CurrentId))
        {
            throw new InvalidOperationException($"{PersonalDataOptions.Section}:CurrentMasterKeyId '{CurrentId}' is not among the configured master keys.");
        }
    }

    public string CurrentId { get; }

    public byte[] Current => _keys[CurrentId];

    public IReadOnlyCollection<string> Ids => _keys.Keys;

    public byte[]? Find(string id) => _keys.GetValueOrDefault(id);
}
