using System.Buffers.Binary;
using System.Text;

namespace ClassComms.PersonalData;

/// <summary>
/// One layer of a sealed value. Version 1: <c>01 | nonce | tag | ciphertext</c> under the subject's period-0 key, associated
/// data binding subject and field. Version 2 names the key that sealed it:
/// <c>02 | flags | period (int32 BE) | master-key id length | master-key id (UTF-8) | nonce | tag | ciphertext</c>, associated
/// data binding tenant, subject, period, master-key id, flags, field and (flag 1) the record the value belongs to.
/// The master-key id records the epoch that wrapped the data key when the value was sealed (for audits and restores);
/// the data key itself is found by subject and period.
/// </summary>
internal static class SealedFormat
{
    public const byte V1 = 1;
    public const byte V2 = 2;
    public const byte RecordBound = 1;

    public readonly record struct Layer(byte Version, byte Flags, int Period, string MasterKeyId, int HeaderLength);

    public static byte[] Header(byte flags, int period, string masterKeyId)
    {
        var id = Encoding.UTF8.GetBytes(masterKeyId);
        var header = new byte[1 + 1 + 4 + 1 + id.Length];
        header[0] = V2;
        header[1] = flags;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(2), period);
        header[6] = checked((byte)id.Length);
        id.CopyTo(header, 7);
        return header;
    }

    public static Layer? Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return null;
        if (bytes[0] == V1) return new Layer(V1, 0, KeyPeriods.Legacy, "", 1);
        if (bytes[0] != V2 || bytes.Length < 7) return null;
        var idLength = bytes[6];
        if (bytes.Length < 7 + idLength) return null;
        return new Layer(V2, bytes[1], BinaryPrimitives.ReadInt32BigEndian(bytes[2..]), Encoding.UTF8.GetString(bytes.Slice(7, idLength)), 7 + idLength);
    }

    public static string AssociatedDataV1(Guid subject, string field) => $"classcomms/v1|{subject:N}|{field}";

    public static string AssociatedDataV2(string tenant, Guid subject, Layer layer, string field, string? record) =>
        $"classcomms/v2|{tenant}|{subject:N}|{layer.Period}|{layer.MasterKeyId}|{layer.Flags}|{field}|{((layer.Flags & RecordBound) != 0 ? record : "")}";

    /// <summary>Associated data of a wrapped data key: period 0 keeps the version-1 binding.</summary>
    public static string WrapAssociatedData(string tenant, Guid subject, int period) =>
        period == KeyPeriods.Legacy ? $"classcomms/dek/v1|{subject:N}" : $"classcomms/dek/v2|{tenant}|{subject:N}|{period}";
}
