using System.Globalization;
using System.Net;
using System.Text;

namespace ClassComms.Exports;

/// <summary>
/// <c>summary.html</c>: the export for a person to read, in French or English, self-contained (inline style, no script, no external
/// resource). Every string shown comes from <see cref="Strings"/>; values are HTML-encoded.
/// </summary>
public static class ExportSummary
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Strings = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["en"] = new Dictionary<string, string>
        {
            ["title"] = "Your personal data held by the school",
            ["intro"] = "This archive holds the personal data the school keeps about the person named below, as machine-readable JSON files (described in schema.json) and the media files. Other people appear by their role only.",
            ["school"] = "School", ["subject"] = "Person", ["kind"] = "Kind of person", ["scope"] = "Scope", ["created"] = "Produced on",
            ["all"] = "Everything the school holds (right of access)", ["providedBySubject"] = "Only what the person provided (portability)",
            ["student"] = "student", ["guardian"] = "parent or guardian", ["staff"] = "member of staff",
            ["contents"] = "Contents", ["file"] = "File", ["items"] = "Items", ["media"] = "Media files",
            ["profile"] = "Profile", ["points"] = "Feedback points", ["messages"] = "Messages", ["story-appearances"] = "Class and school stories",
            ["portfolio"] = "Portfolio", ["consents"] = "Consents", ["guardian-links"] = "Family links", ["story-contributions"] = "Comments and likes on stories",
            ["access-log"] = "Who on the staff read the data", ["portfolio-actions"] = "Comments and decisions on portfolios", ["leaderRole"] = "school leader", ["dpoRole"] = "data protection officer",
            ["details"] = "Details", ["date"] = "Date", ["what"] = "What", ["from"] = "From", ["provenance"] = "Source",
            ["providedBySubjectShort"] = "provided by the person", ["createdByStaffShort"] = "created by staff",
            ["you"] = "the person", ["teacher"] = "teacher", ["staffRole"] = "staff", ["guardianRole"] = "parent or guardian", ["studentRole"] = "student",
            ["given"] = "given", ["withdrawn"] = "withdrawn", ["positive"] = "positive", ["needsWork"] = "needs work", ["unreadable"] = "(erased)",
            ["verify"] = "Integrity: manifest.json lists every file with its SHA-256 fingerprint and is signed by the school (manifest.sig.json). The school's public key verifies it.",
            ["version"] = "Schema version", ["restricted"] = "restricted", ["child"] = "child",
        },
        ["fr"] = new Dictionary<string, string>
        {
            ["title"] = "Vos renseignements personnels détenus par l'école",
            ["intro"] = "Cette archive contient les renseignements personnels que l'école détient sur la personne nommée ci-dessous, sous forme de fichiers JSON lisibles par machine (décrits dans schema.json) et des fichiers médias. Les autres personnes n'y figurent que par leur rôle.",
            ["school"] = "École", ["subject"] = "Personne", ["kind"] = "Type de personne", ["scope"] = "Portée", ["created"] = "Produit le",
            ["all"] = "Tout ce que l'école détient (droit d'accès)", ["providedBySubject"] = "Seulement ce que la personne a fourni (portabilité)",
            ["student"] = "élève", ["guardian"] = "parent ou tuteur", ["staff"] = "membre du personnel",
            ["contents"] = "Contenu", ["file"] = "Fichier", ["items"] = "Éléments", ["media"] = "Fichiers médias",
            ["profile"] = "Profil", ["points"] = "Points de rétroaction", ["messages"] = "Messages", ["story-appearances"] = "Fils de la classe et de l'école",
            ["portfolio"] = "Portfolio", ["consents"] = "Consentements", ["guardian-links"] = "Liens familiaux", ["story-contributions"] = "Commentaires et mentions j'aime",
            ["access-log"] = "Qui, parmi le personnel, a consulté les données", ["portfolio-actions"] = "Commentaires et décisions sur les portfolios", ["leaderRole"] = "direction", ["dpoRole"] = "responsable de la protection des renseignements personnels",
            ["details"] = "Détails", ["date"] = "Date", ["what"] = "Quoi", ["from"] = "De", ["provenance"] = "Source",
            ["providedBySubjectShort"] = "fourni par la personne", ["createdByStaffShort"] = "créé par le personnel",
            ["you"] = "la personne", ["teacher"] = "enseignant", ["staffRole"] = "personnel", ["guardianRole"] = "parent ou tuteur", ["studentRole"] = "élève",
            ["given"] = "donné", ["withdrawn"] = "retiré", ["positive"] = "positif", ["needsWork"] = "à travailler", ["unreadable"] = "(effacé)",
            ["verify"] = "Intégrité : manifest.json énumère chaque fichier avec son empreinte SHA-256 et est signé par l'école (manifest.sig.json). La clé publique de l'école permet de le vérifier.",
            ["version"] = "Version du schéma", ["restricted"] = "restreint", ["child"] = "enfant",
        },
    };

    public static string Render(SubjectExport export, ExportContent content, DateTimeOffset createdAt, int mediaFiles)
    {
        var t = Strings.TryGetValue(export.Language, out var s) ? s : Strings["en"];
        string E(string? v) => WebUtility.HtmlEncode(v ?? "");
        string D(DateTimeOffset d) => E(d.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)); // ISO dates read the same in both languages
        string Role(string who) => who switch
        {
            "you" => t["you"], "guardian" => t["guardianRole"], "student" => t["studentRole"], "staff" => t["staffRole"], "leader" => t["leaderRole"], "dpo" => t["dpoRole"], _ => t["teacher"],
        };
        string P(string provenance) => provenance == Provenance.ProvidedBySubject ? t["providedBySubjectShort"] : t["createdByStaffShort"];

        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html lang=\"{E(export.Language)}\"><head><meta charset=\"utf-8\"><title>{E(t["title"])}</title>");
        html.Append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}" +
                    "td,th{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}</style></head><body>");
        html.Append($"<h1>{E(t["title"])}</h1><p>{E(t["intro"])}</p><table>");
        html.Append($"<tr><th>{E(t["school"])}</th><td>{E(content.SchoolName)}</td></tr>");
        html.Append($"<tr><th>{E(t["subject"])}</th><td>{E(content.SubjectName)}</td></tr>");
        html.Append($"<tr><th>{E(t["kind"])}</th><td>{E(t[export.SubjectKind])}</td></tr>");
        html.Append($"<tr><th>{E(t["scope"])}</th><td>{E(t[export.Scope])}</td></tr>");
        html.Append($"<tr><th>{E(t["created"])}</th><td>{D(createdAt)}</td></tr>");
        html.Append($"<tr><th>{E(t["version"])}</th><td>{E(ExportSchema.Version)}</td></tr></table>");

        html.Append($"<h2>{E(t["contents"])}</h2><table><tr><th>{E(t["what"])}</th><th>{E(t["file"])}</th><th>{E(t["items"])}</th></tr>");
        foreach (var (kind, items) in content.Kinds) html.Append($"<tr><td>{E(t[kind])}</td><td>{E(kind)}.json</td><td>{items.Count}</td></tr>");
        html.Append($"<tr><td>{E(t["media"])}</td><td>media/</td><td>{mediaFiles}</td></tr></table>");

        foreach (var (kind, items) in content.Kinds.Where(k => k.Value.Count > 0))
        {
            html.Append($"<h2>{E(t[kind])}</h2><table><tr><th>{E(t["date"])}</th><th>{E(t["from"])}</th><th>{E(t["details"])}</th><th>{E(t["provenance"])}</th></tr>");
            foreach (var item in items)
            {
                var (at, from, details, provenance) = item switch
                {
                    ProfileField f => ((DateTimeOffset?)null, "", $"{f.Field}: {f.Value}", f.Provenance),
                    PointItem p => (p.AwardedAt, Role(p.AwardedBy), $"{p.Skill} ({(p.Positive ? t["positive"] : t["needsWork"])}, {p.Value}) {p.Note}", p.Provenance),
                    MessageExportItem m => (m.PostedAt, Role(m.From), (m.Text ?? t["unreadable"]) + string.Concat(m.Attachments.Select(a => $" [{a.Path}]")), m.Provenance),
                    StoryAppearance a => (a.PostedAt, Role(a.Author), (a.Text ?? "") + string.Concat(a.Media.Select(m => $" [{m.File.Path}]")), a.Provenance),
                    PortfolioExportItem p => (p.AddedAt, Role(p.Author), $"{p.Kind}: {p.Text}" + (p.File is { } f ? $" [{f.Path}]" : "") +
                        string.Concat(p.Comments.Select(c => $" — {Role(c.Author)}: {c.Text}")), p.Provenance),
                    ConsentItem c => (c.At, Role(c.RecordedBy), $"{c.Purpose}: {(c.Given ? t["given"] : t["withdrawn"])}", c.Provenance),
                    LinkItem l => (l.LinkedAt, "", (l.Role == "child" ? t["child"] : t["guardianRole"] + l.Role["guardian".Length..]) +
                        (l.Restricted ? $" ({t["restricted"]})" : ""), l.Provenance),
                    PortfolioActionItem p => (p.At, t["you"], $"{p.Action}: {p.Text}", p.Provenance),
                    StoryContributionItem c => (c.At, t["you"], $"{c.Kind}: {c.Text}", c.Provenance),
                    AccessLogExportItem a => (a.At, Role(a.ReadBy), a.Shredded ? t["unreadable"] : $"{a.Kind}" + (a.ItemId is { } i ? $" ({i})" : ""), a.Provenance),
                    _ => (null, "", "", Provenance.CreatedByStaff),
                };
                html.Append($"<tr><td>{(at is { } d ? D(d) : "")}</td><td>{E(from)}</td><td>{E(details)}</td><td>{E(P(provenance))}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append($"<p>{E(t["verify"])}</p></body></html>");
        return html.ToString();
    }
}
