namespace ClassComms.Tests.Support;

/// <summary>
/// The privacy tests' scan of what the shared host logged and exported as spans during a scenario: none of the given values
/// may appear (case-insensitive). Each scan first fails if its capture is empty, so a capture that is not wired cannot pass.
/// </summary>
public static class HostOutput
{
    public static void AssertLogsContainNone(this AppFixture app, IEnumerable<string> values, string what = "a personal value")
    {
        var logs = app.Logs.Text();
        Assert.True(app.Logs.Count > 0, "The host logged nothing: the log capture is not wired.");
        foreach (var value in values)
        {
            Assert.False(logs.Contains(value, StringComparison.OrdinalIgnoreCase), $"The API's logs contain {what} ({value.Length} chars).");
        }
    }

    /// <summary>Names, attributes such as SQL text, events and status of every exported span.</summary>
    public static void AssertSpansContainNone(this AppFixture app, IEnumerable<string> values)
    {
        var spans = app.Spans.Text();
        Assert.True(app.Spans.Count > 0, "The host exported no span: the span capture is not wired.");
        Assert.Contains("Npgsql", spans);
        foreach (var value in values)
        {
            Assert.False(spans.Contains(value, StringComparison.OrdinalIgnoreCase), $"The API's spans contain a personal value ({value.Length} chars).");
        }
    }
}
