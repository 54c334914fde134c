using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ClassComms.AccessLog;

/// <summary>The result of walking one school's chain: how many entries, and the first broken link if any.</summary>
/// <remarks>
/// <c>Entries</c> counts the stored entries verified (after the retention <c>Anchor</c>, if any). <c>SignedHead</c>: the head (last entry's
/// number and hash, the school, the time) signed with the school's key, only when the chain is intact and not empty; keep it and check it
/// later (<c>POST /api/dpo/access-log/verification/head</c>, <c>verify-access-log --head</c>).
/// </remarks>
public sealed record AccessLogVerification(Guid SchoolId, long Entries, bool Intact, long? FirstBrokenSeq, string? Problem, string? HeadHash,
    SignedAccessLogHead? SignedHead = null, AccessLogAnchor? Anchor = null);

/// <summary>
/// The access log's hash chain, per school. Entry <c>n</c>'s hash is SHA-256(hash of entry n−1 (32 zero bytes for the first)
/// ‖ n as 8 big-endian bytes ‖ <see cref="Body"/>), where the body is the entry's STORED values: school, entry id, time (µs),
/// reader, reader's role, student and the sealed details exactly as stored. Nothing is decrypted to verify, so erasing a
/// student (destroying their key) leaves every byte the chain covers in place: the chain still verifies while the erased
/// student's details no longer open. Any change to a stored row (an UPDATE of any column, a deleted or inserted row, rows
/// swapped) breaks the link at that row. The hash is unkeyed: someone able to rewrite every later row too could forge a
/// consistent tail; the verification therefore signs the head with the school's key (<see cref="SignedAccessLogHead"/>): a saved signed head
/// whose entry no longer has that hash means the log was rewritten. Retention removes the oldest entries and leaves a signed anchor
/// (<see cref="AnchorTable"/>): the chain then starts at the anchor's entry number and hash.
/// </summary>
public static class AccessLogChain
{
    public const string Table = "classcomms.access_log";

    /// <summary>One row per retention removal: the last removed entry's number and hash, signed (<see cref="AccessLogAnchor"/>).</summary>
    public const string AnchorTable = "classcomms.access_log_anchor";

    /// <summary>The field the details are sealed under (bound to the entry id as record).</summary>
    public const string Field = "accessLog.details";

    private static readonly byte[] Domain = "classcomms.access-log.v1"u8.ToArray();

    public static readonly byte[] Genesis = new byte[32];

    /// <summary>The stored values an entry's hash covers, in a fixed layout (see the class summary).</summary>
    public static byte[] Body(Guid school, Guid id, DateTimeOffset at, Guid reader, string role, Guid student, byte[]? details)
    {
        var roleBytes = Encoding.UTF8.GetBytes(role);
        var buffer = new byte[Domain.Length + 16 * 4 + 8 + 4 + roleBytes.Length + 4 + (details?.Length ?? 0)];
        var span = buffer.AsSpan();
        Domain.CopyTo(span);
        var o = Domain.Length;
        school.TryWriteBytes(span[o..], bigEndian: true, out _);
        o += 16;
        id.TryWriteBytes(span[o..], bigEndian: true, out _);
        o += 16;
        BinaryPrimitives.WriteInt64BigEndian(span[o..], Microseconds(at));
        o += 8;
        reader.TryWriteBytes(span[o..], bigEndian: true, out _);
        o += 16;
        BinaryPrimitives.WriteInt32BigEndian(span[o..], roleBytes.Length);
        o += 4;
        roleBytes.CopyTo(span[o..]);
        o += roleBytes.Length;
        student.TryWriteBytes(span[o..], bigEndian: true, out _);
        o += 16;
        BinaryPrimitives.WriteInt32BigEndian(span[o..], details?.Length ?? -1);
        o += 4;
        details?.CopyTo(span[o..]);
        return buffer;
    }

    /// <summary>The link hash of entry <paramref name="seq"/> given the previous entry's hash; the append computes the same in SQL.</summary>
    public static byte[] Hash(byte[] previous, long seq, byte[] body)
    {
        var input = new byte[previous.Length + 8 + body.Length];
        previous.CopyTo(input, 0);
        BinaryPrimitives.WriteInt64BigEndian(input.AsSpan(previous.Length), seq);
        body.CopyTo(input, previous.Length + 8);
        return SHA256.HashData(input);
    }

    /// <summary>Times are stored to the microsecond (PostgreSQL's precision); the app rounds down before hashing.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// Walks <paramref name="school"/>'s chain in order (streamed) from entry <paramref name="afterSeq"/>+1, linked to
    /// <paramref name="afterHash"/> (0 and <see cref="Genesis"/>: from the first entry), and stops at the first broken link.
    /// </summary>
    public static async Task<AccessLogVerification> VerifyAsync(NpgsqlDataSource db, Guid school, CancellationToken ct, long afterSeq = 0,
        byte[]? afterHash = null)
    {
        await using var cmd = db.CreateCommand(
            $"select seq, id, at, reader_id, reader_role, student_id, details, hash from {Table} where school_id = $1 order by seq");
        cmd.Parameters.Add(new NpgsqlParameter { Value = school });
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var previous = afterHash ?? Genesis;
        var expected = afterSeq + 1;
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var id = reader.GetGuid(1);
            var at = reader.GetFieldValue<DateTimeOffset>(2);
            var readerId = reader.GetGuid(3);
            var role = reader.GetString(4);
            var student = reader.GetGuid(5);
            var details = await reader.IsDBNullAsync(6, ct) ? null : reader.GetFieldValue<byte[]>(6);
            var stored = reader.GetFieldValue<byte[]>(7);
            if (seq != expected)
            {
                return new(school, expected - 1 - afterSeq, false, expected,
                    seq < expected ? "an entry precedes the retention anchor (or repeats)" : "an entry is missing (the sequence skips it)", null);
            }

            var hash = Hash(previous, seq, Body(school, id, at, readerId, role, student, details));
            if (!CryptographicOperations.FixedTimeEquals(hash, stored))
            {
                return new(school, seq - 1 - afterSeq, false, seq, "the entry's stored values do not match its hash", null);
            }

            previous = stored;
            expected++;
        }

        return new(school, expected - 1 - afterSeq, true, null, null, expected == afterSeq + 1 ? null : Convert.ToHexStringLower(previous));
    }

    /// <summary>The schools that have an access log.</summary>
    public static async Task<IReadOnlyList<Guid>> SchoolsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select distinct school_id from {Table} order by school_id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var schools = new List<Guid>();
        while (await reader.ReadAsync(ct)) schools.Add(reader.GetGuid(0));
        return schools;
    }
}
