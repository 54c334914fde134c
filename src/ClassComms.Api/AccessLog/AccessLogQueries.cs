using System.Text.Json;
using ClassComms.PersonalData;
using Marten;

namespace ClassComms.AccessLog;

/// <summary>
/// An entry as read back: ids, role and time as stored; <see cref="Kind"/> and <see cref="ItemId"/> opened from the sealed
/// details, null with <see cref="Shredded"/> once the student is erased.
/// </summary>
public sealed record AccessLogEntry(long Seq, Guid EntryId, DateTimeOffset At, Guid ReaderId, string ReaderRole, Guid StudentId, string? Kind,
    Guid? ItemId, bool Shredded);

/// <summary>Which entries: all of the school's, narrowed by student, reader and time (inclusive from, exclusive to).</summary>
public sealed record AccessLogFilter(Guid? StudentId = null, Guid? ReaderId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Reads of the access log through the caller's Marten session (school = the session's tenant), details opened.</summary>
public static class AccessLogQueries
{
    private sealed record Row(long Seq, Guid Id, DateTimeOffset At, Guid ReaderId, string Role, Guid StudentId, string? Details);

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>Every entry about <paramref name="studentId"/> in the session's school, oldest first (the subject access export).</summary>
    public static async Task<IReadOnlyList<AccessLogEntry>> ForStudentAsync(IQuerySession session, PersonalDataVault vault, Guid studentId,
        CancellationToken ct = default)
    {
        var (entries, _) = await PageAsync(session, vault, new AccessLogFilter(StudentId: studentId), null, int.MaxValue - 1, newestFirst: false, ct);
        return entries;
    }

    /// <summary>
    /// One page of entries matching <paramref name="filter"/>, newest first (or oldest first), after the cursor
    /// <paramref name="before"/> (a <see cref="AccessLogEntry.Seq"/>); the cursor of the next page, or null at the end.
    /// </summary>
    public static async Task<(IReadOnlyList<AccessLogEntry> Entries, long? Next)> PageAsync(IQuerySession session, PersonalDataVault vault,
        AccessLogFilter filter, long? before, int take, bool newestFirst, CancellationToken ct)
    {
        var school = Guid.Parse(session.TenantId);
        var where = new List<string> { "school_id = ?" };
        var args = new List<object> { school };
        if (filter.StudentId is { } student) Add("student_id = ?", student);
        if (filter.ReaderId is { } reader) Add("reader_id = ?", reader);
        if (filter.From is { } from) Add("at >= ?", from.ToUniversalTime());
        if (filter.To is { } to) Add("at < ?", to.ToUniversalTime());
        if (before is { } cursor) Add(newestFirst ? "seq < ?" : "seq > ?", cursor);
        var sql = $"""
            select json_build_object('seq', seq, 'id', id, 'at', at, 'readerId', reader_id, 'role', reader_role, 'studentId', student_id,
                'details', encode(details, 'base64'))::text
            from {AccessLogChain.Table} where {string.Join(" and ", where)}
            order by seq {(newestFirst ? "desc" : "asc")} limit {take + 1}
            """;
        var rows = (await session.QueryAsync<string>(sql, ct, args.ToArray())).Select(r => JsonSerializer.Deserialize<Row>(r, Json)!).ToList();

        await vault.PreloadAsync(rows.Select(r => r.StudentId).Distinct(), ct);
        var entries = new List<AccessLogEntry>(Math.Min(rows.Count, take));
        foreach (var row in rows.Take(take)) entries.Add(await OpenAsync(vault, row, ct));
        return (entries, rows.Count > take ? entries[^1].Seq : null);

        void Add(string condition, object value)
        {
            where.Add(condition);
            args.Add(value);
        }
    }

    private static async Task<AccessLogEntry> OpenAsync(PersonalDataVault vault, Row row, CancellationToken ct)
    {
        AccessDetails? details = null;
        if (row.Details is { } sealedText)
        {
            var opened = await vault.UnsealBytesAsync([row.StudentId], AccessLogChain.Field, row.Id.ToString(), Convert.FromBase64String(sealedText), ct);
            if (opened is not null) details = JsonSerializer.Deserialize<AccessDetails>(opened, Json);
        }

        return new AccessLogEntry(row.Seq, row.Id, row.At, row.ReaderId, row.Role, row.StudentId, details?.Kind, details?.ItemId, details is null);
    }
}
