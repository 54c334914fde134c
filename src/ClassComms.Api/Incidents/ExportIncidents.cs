using System.Globalization;
using System.Text;
using System.Text.Json;
using ClassComms.Dpo;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Incidents;

/// <summary>The whole register as a file: what the school hands to the authority on request (GDPR art. 33(5), Law 25 s. 3.8).</summary>
public sealed record IncidentRegisterExport(int Version, Guid SchoolId, DateTimeOffset GeneratedAt, Guid GeneratedBy, IReadOnlyList<IncidentView> Incidents);

public static class ExportIncidentsEndpoint
{
    public const string SignatureHeader = "X-Signature";
    public const string SignatureKeyIdHeader = "X-Signature-Key-Id";
    public const string SignatureAlgorithmHeader = "X-Signature-Algorithm";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Export the register (the DPO): <c>format=json</c> (default; every incident with its history) or <c>csv</c> (one row per incident).</summary>
    /// <remarks>
    /// With <c>signed=true</c> the exact bytes of the body are signed with the school's signing key (ES256, <c>GET /api/school/signing-key</c>):
    /// headers <c>X-Signature</c> (base64, IEEE P1363), <c>X-Signature-Key-Id</c> and <c>X-Signature-Algorithm</c>. The file holds the
    /// free text opened: it is personal data, to be kept and sent as such.
    /// </remarks>
    [ProducesResponseType<IncidentRegisterExport>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403)]
    [WolverineGet("/api/dpo/incidents/export")]
    public static async Task<IResult> Get(string? format, bool? signed, Caller caller, IQuerySession session, PersonalDataVault vault,
        SchoolSigning signing, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        format = (format ?? "json").Trim().ToLowerInvariant();
        if (format is not ("json" or "csv")) return Problems.Invalid("format", "must be json or csv.");

        var now = clock.GetUtcNow();
        var incidents = await GetIncidentsEndpoint.RegisterAsync(session, vault, now, withHistory: true, ct);
        var bytes = format == "json"
            ? JsonSerializer.SerializeToUtf8Bytes(new IncidentRegisterExport(1, caller.SchoolId, now, caller.UserId, incidents), Json)
            : Encoding.UTF8.GetBytes(Csv(incidents));
        if (signed == true)
        {
            var signature = await signing.SignAsync(caller.SchoolId, bytes, ct);
            response.Headers[SignatureHeader] = signature.Signature;
            response.Headers[SignatureKeyIdHeader] = signature.KeyId;
            response.Headers[SignatureAlgorithmHeader] = signature.Algorithm;
        }

        var name = $"incident-register-{now:yyyyMMdd'T'HHmmss'Z'}.{format}";
        return Results.File(bytes, format == "json" ? "application/json" : "text/csv; charset=utf-8", name);
    }

    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "incidentId", "occurredAt", "discoveredAt", "nature", "dataCategories", "subjectCount", "subjectIds", "measures", "sensitivity",
        "likelihood", "serious", "consequences", "reasoning", "assessedAt", "authorityDueAt", "authorityClock", "authorityNotifications",
        "peopleNotifications", "recordedBy", "recordedAt", "updatedAt",
    ];

    /// <summary>RFC 4180: every field quoted; cells starting like a formula are prefixed with an apostrophe (spreadsheet injection).</summary>
    public static string Csv(IReadOnlyList<IncidentView> incidents)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', CsvColumns).Append("\r\n");
        foreach (var i in incidents)
        {
            string[] cells =
            [
                i.IncidentId.ToString(), Date(i.OccurredAt), Date(i.DiscoveredAt), i.Nature ?? "", string.Join(' ', i.DataCategories),
                i.SubjectCount.ToString(CultureInfo.InvariantCulture), string.Join(' ', i.SubjectIds), i.Measures ?? "", i.Risk?.Sensitivity ?? "",
                i.Risk?.Likelihood ?? "", i.Risk is null ? "" : i.Risk.Serious ? "true" : "false", i.Risk?.Consequences ?? "", i.Risk?.Reasoning ?? "",
                i.Risk is null ? "" : Date(i.Risk.AssessedAt), Date(i.AuthorityClock.DueAt), i.AuthorityClock.State,
                string.Join("; ", i.AuthorityNotifications.Select(a => $"{a.Authority} {Date(a.NotifiedAt)}")),
                string.Join("; ", i.PeopleNotifications.Select(p => $"{p.Count} by {p.Means} {Date(p.NotifiedAt)}")),
                i.RecordedBy.ToString(), Date(i.RecordedAt), Date(i.UpdatedAt),
            ];
            csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Date(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Quote(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r') cell = "'" + cell;
        return "\"" + cell.Replace("\"", "\"\"") + "\"";
    }
}
