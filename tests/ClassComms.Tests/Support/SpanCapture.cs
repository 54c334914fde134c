using System.Collections;
using System.Diagnostics;
using System.Text;

namespace ClassComms.Tests.Support;

/// <summary>
/// The spans the shared host exported (OpenTelemetry's in-memory exporter writes here), so tests can follow a trace and the
/// privacy tests can show that no personal value reaches a span's name, attributes, events, status or links.
/// </summary>
public sealed class SpanCapture : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _gate = new();
    private DateTime _clearedAt = DateTime.MinValue;

    public IReadOnlyList<Activity> All()
    {
        lock (_gate) return _spans.ToList();
    }

    /// <summary>Everything recorded on every span since the last <see cref="Clear"/>, one span a line.</summary>
    public string Text() => string.Join('\n', All().Select(Describe));

    /// <summary>Waits (bounded, not a timing assertion) until a span that matches has ended and been exported.</summary>
    public async Task<Activity> WaitFor(Func<Activity, bool> match, string what)
    {
        for (var i = 0; i < 200; i++)
        {
            if (All().FirstOrDefault(match) is { } span) return span;
            await Task.Delay(100);
        }

        throw new TimeoutException($"No span {what} was exported. Spans: {string.Join(", ", All().Select(s => s.DisplayName))}");
    }

    public static string Describe(Activity span)
    {
        var text = new StringBuilder($"{span.Source.Name} {span.Kind} {span.OperationName} '{span.DisplayName}' {span.Status} {span.StatusDescription}");
        foreach (var (key, value) in span.TagObjects) text.Append($" {key}={value}");
        foreach (var e in span.Events)
        {
            text.Append($" event:{e.Name}");
            foreach (var (key, value) in e.Tags) text.Append($" {key}={value}");
        }

        foreach (var link in span.Links)
        {
            foreach (var (key, value) in link.Tags ?? []) text.Append($" link:{key}={value}");
        }

        foreach (var (key, value) in span.Baggage) text.Append($" baggage:{key}={value}");
        return text.ToString();
    }

    /// <summary>Records an ended span, unless it started before the last <see cref="Clear"/>: a request answered before the clear
    /// can end its server span just after it (the client has its answer first), and would otherwise stand in for the next
    /// request to the same route without the database spans the clear removed.</summary>
    public void Add(Activity item)
    {
        lock (_gate)
        {
            if (item.StartTimeUtc >= _clearedAt) _spans.Add(item);
        }
    }

    /// <summary>Forgets every span so far, and any still open now when it ends.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _spans.Clear();
            _clearedAt = DateTime.UtcNow;
        }
    }

    public bool Contains(Activity item)
    {
        lock (_gate) return _spans.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_gate) _spans.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (_gate) return _spans.Remove(item);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _spans.Count;
        }
    }

    public bool IsReadOnly => false;

    public IEnumerator<Activity> GetEnumerator() => All().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
