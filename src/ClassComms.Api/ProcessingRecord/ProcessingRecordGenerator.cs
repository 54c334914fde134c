using System.Reflection;
using System.Text;
using ClassComms.PersonalData;
using Marten;

namespace ClassComms.ProcessingRecord;

/// <summary>One kind of stored record holding personal data.</summary>
/// <param name="Type">The C# type (an event, a document, or a record embedded in one).</param>
/// <param name="Kind"><c>event</c> (in <c>classcomms.mt_events</c>), <c>document</c> (its own table) or <c>embedded</c> (inside another entry).</param>
/// <param name="Feature">The feature folder that defines it.</param>
/// <param name="PersonalData">Its sealed fields (paths into the record): the kinds of personal data it holds.</param>
/// <param name="Subjects">Whose data it is.</param>
/// <param name="Purpose">Why it is processed.</param>
/// <param name="Retention">How long it is kept.</param>
/// <param name="StoredIn">The table (or the record it is embedded in).</param>
/// <param name="Key">Whose key seals its fields.</param>
public sealed record ProcessingEntry(string Type, string Kind, string Feature, IReadOnlyList<string> PersonalData, string Subjects, string Purpose,
    string Retention, string StoredIn, string Key);

public sealed record ProcessingContainer(string Container, string What, string Key, string Retention);

/// <summary>The record of processing activities (GDPR art. 30), generated from the code.</summary>
public sealed record ProcessingRecordDocument(int Version, string Controller, IReadOnlyList<Purpose> Purposes, IReadOnlyList<ProcessingEntry> Entries,
    IReadOnlyList<ProcessingContainer> BlobContainers, IReadOnlyList<string> Undescribed);

/// <summary>
/// Builds the record from the assembly: every type of ClassComms with a sealed field (<see cref="Sealed"/>, directly or in a record it
/// holds) is an entry; its sealed fields are the kinds of personal data; where it is stored comes from Marten's document mappings
/// (a document's table) or else the event table. <see cref="ProcessingCatalogue"/> adds subjects, purpose, retention and key.
/// </summary>
public static class ProcessingRecordGenerator
{
    public const string EventTable = "classcomms.mt_events";

    public static ProcessingRecordDocument Generate(IDocumentStore store)
    {
        var documents = store.Options.AllKnownDocumentTypes().ToDictionary(m => m.DocumentType, m => m.TableName.QualifiedName);
        var holders = HoldersOfPersonalData(typeof(ProcessingCatalogue).Assembly).Where(h => !ProcessingCatalogue.NotStored.Contains(h.Key))
            .ToDictionary(h => h.Key, h => h.Value);
        var described = ProcessingCatalogue.Types.ToDictionary(d => d.Type);
        var purposes = ProcessingCatalogue.Purposes.ToDictionary(p => p.Code);
        var embeddedIn = holders.Keys.ToDictionary(t => t, t => holders.Keys.Where(h => h != t && Members(h).Any(m => ElementType(m) == t)).ToList());

        var entries = new List<ProcessingEntry>();
        foreach (var (type, fields) in holders.OrderBy(h => h.Key.Namespace).ThenBy(h => h.Key.Name))
        {
            var kind = documents.ContainsKey(type) ? "document" : embeddedIn[type].Count > 0 ? "embedded" : "event";
            var storedIn = kind switch
            {
                "document" => documents[type],
                "embedded" => "inside " + string.Join(", ", embeddedIn[type].Select(t => t.Name).Order()),
                _ => EventTable,
            };
            var d = described.GetValueOrDefault(type);
            var purpose = d is null ? null : purposes.GetValueOrDefault(d.PurposeCode);
            entries.Add(new ProcessingEntry(type.Name, kind, type.Namespace!.Split('.').Last(), fields, d?.Subjects ?? "UNDESCRIBED",
                purpose?.Description ?? "UNDESCRIBED", purpose?.Retention ?? "UNDESCRIBED", storedIn, d?.Key ?? "UNDESCRIBED"));
        }

        var undescribed = holders.Keys.Where(t => !described.ContainsKey(t) || !purposes.ContainsKey(described[t].PurposeCode))
            .Select(t => t.FullName!).Order().ToList();
        return new ProcessingRecordDocument(1, "the school (each school is a tenant; ClassComms processes on its behalf)", ProcessingCatalogue.Purposes,
            entries, ProcessingCatalogue.Containers.Select(c => new ProcessingContainer(c.Container, c.What, c.Key, c.Retention)).ToList(), undescribed);
    }

    /// <summary>Every ClassComms type holding a sealed value, with the paths of its sealed fields.</summary>
    public static IReadOnlyDictionary<Type, IReadOnlyList<string>> HoldersOfPersonalData(Assembly assembly)
    {
        var result = new Dictionary<Type, IReadOnlyList<string>>();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace?.StartsWith("ClassComms.", StringComparison.Ordinal) == true
                                                             && t is { IsClass: true, IsAbstract: false } && !t.IsGenericTypeDefinition
                                                             && !t.Name.Contains('<')))
        {
            var fields = SealedPaths(type, "", []).ToList();
            if (fields.Count > 0) result[type] = fields;
        }

        return result;
    }

    private static IEnumerable<string> SealedPaths(Type type, string prefix, HashSet<Type> seen)
    {
        if (!seen.Add(type)) yield break;
        foreach (var member in Members(type))
        {
            var element = ElementType(member);
            var path = prefix + member.Name + (element != member.PropertyType && Nullable.GetUnderlyingType(member.PropertyType) is null ? "[]" : "");
            if (element == typeof(Sealed)) yield return path;
            else if (element.Namespace?.StartsWith("ClassComms.", StringComparison.Ordinal) == true && element.IsClass)
            {
                foreach (var inner in SealedPaths(element, path + ".", seen)) yield return inner;
            }
        }

        seen.Remove(type);
    }

    private static IEnumerable<PropertyInfo> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");

    private static Type ElementType(PropertyInfo property)
    {
        var type = property.PropertyType;
        if (type.IsArray) return type.GetElementType()!;
        if (type.IsGenericType && type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return type.GetGenericArguments().Last();
        return type;
    }

    /// <summary>The record as Markdown (what <c>src/ClassComms.Api/ProcessingRecord/processing-record.md</c> holds).</summary>
    public static string Markdown(ProcessingRecordDocument record)
    {
        var md = new StringBuilder();
        md.Append("# Record of processing activities (GDPR art. 30)\n\n");
        md.Append("Generated from the code by `dotnet ClassComms.Api.dll processing-record` (also `GET /api/dpo/processing-record`); ");
        md.Append("`ProcessingRecord/when_generating_the_record_of_processing.cs` fails when this file or the code's description differs.\n\n");
        md.Append($"Controller: {record.Controller}. Every sealed field is AES-256-GCM under a per-subject key kept in ");
        md.Append("`personal_data.subject_keys` (wrapped by the master key); destroying the key makes every copy unreadable.\n\n");
        md.Append("## Purposes and retention\n\n| Purpose | What for | Kept |\n| --- | --- | --- |\n");
        foreach (var p in record.Purposes) md.Append($"| {p.Code} | {Cell(p.Description)} | {Cell(p.Retention)} |\n");
        md.Append("\n## Stored records holding personal data\n\n");
        md.Append("| Feature | Record | Kind | Personal data (sealed fields) | Subjects | Purpose | Stored in | Key |\n");
        md.Append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        var codes = record.Purposes.ToDictionary(p => p.Description, p => p.Code);
        foreach (var e in record.Entries)
        {
            md.Append($"| {e.Feature} | `{e.Type}` | {e.Kind} | {Cell(string.Join(", ", e.PersonalData))} | {Cell(e.Subjects)} | ")
                .Append($"{codes.GetValueOrDefault(e.Purpose, e.Purpose)} | `{e.StoredIn}` | {Cell(e.Key)} |\n");
        }

        md.Append("\n## Other tables\n\nMarten's own tables (`mt_*`) hold the records above; Wolverine's (`wolverine_*`) hold messages naming ids only.\n\n");
        md.Append("| Table | What | Subjects | Key | Kept |\n| --- | --- | --- | --- | --- |\n");
        foreach (var t in ProcessingCatalogue.Tables) md.Append($"| `{t.Table}` | {Cell(t.What)} | {Cell(t.Subjects)} | {Cell(t.Key)} | {Cell(t.Retention)} |\n");
        md.Append("\n## Blob containers\n\n| Container | What | Key | Kept |\n| --- | --- | --- | --- |\n");
        foreach (var c in record.BlobContainers) md.Append($"| `{c.Container}` | {Cell(c.What)} | {Cell(c.Key)} | {Cell(c.Retention)} |\n");
        if (record.Undescribed.Count > 0)
        {
            md.Append("\n## Not described (add them to ProcessingRecord/ProcessingCatalogue.cs)\n\n");
            foreach (var t in record.Undescribed) md.Append($"- `{t}`\n");
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
