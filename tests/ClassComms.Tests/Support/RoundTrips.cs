using System.Diagnostics;

namespace ClassComms.Tests.Support;

/// <summary>
/// Counts database round trips from the exported spans: one Npgsql span is one command or one batch sent to PostgreSQL and
/// awaited. A request's count is the Npgsql spans below its server span, not counting those below a Wolverine span (the
/// messages it publishes are handled after it, and counted on their own with <see cref="UnderHandler"/>).
/// </summary>
public static class RoundTrips
{
    public static IReadOnlyList<Activity> UnderRequest(IReadOnlyList<Activity> spans, Activity request) =>
        Below(spans, request.SpanId, stopAtWolverine: true);

    /// <summary>The Npgsql spans below the first exported span of the trace that matches <paramref name="handler"/>.</summary>
    public static IReadOnlyList<Activity> UnderHandler(IReadOnlyList<Activity> spans, Activity handler) =>
        Below(spans, handler.SpanId, stopAtWolverine: false);

    public static string Describe(IEnumerable<Activity> spans) =>
        string.Join('\n', spans.OrderBy(s => s.StartTimeUtc).Select(s =>
        {
            var statement = Text(s);
            return statement.Length > 200 ? statement[..200] : statement;
        }));

    /// <summary>The SQL a span sent (every statement of a batch), on one line.</summary>
    public static string Text(Activity span) =>
        (span.GetTagItem("db.query.text")?.ToString() ?? span.GetTagItem("db.statement")?.ToString() ?? span.DisplayName).ReplaceLineEndings(" ");

    private static List<Activity> Below(IReadOnlyList<Activity> spans, ActivitySpanId root, bool stopAtWolverine)
    {
        var children = spans.Where(s => s.ParentSpanId != default).ToLookup(s => s.ParentSpanId);
        var found = new List<Activity>();
        var pending = new Stack<ActivitySpanId>([root]);
        while (pending.TryPop(out var id))
        {
            foreach (var child in children[id])
            {
                if (stopAtWolverine && child.Source.Name == "Wolverine") continue;
                if (child.Source.Name == "Npgsql") found.Add(child);
                pending.Push(child.SpanId);
            }
        }

        return found;
    }
}
