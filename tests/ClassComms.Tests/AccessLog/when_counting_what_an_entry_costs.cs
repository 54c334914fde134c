using System.Diagnostics;
using ClassComms.Tests.Support;
using Xunit.Abstractions;

namespace ClassComms.Tests.AccessLog;

/// <summary>
/// What logging adds to a staff read: one database command (the lock and the chained insert, one batch, one round trip) and
/// no key lookup of its own (the read itself looks up what it needs before the entry is appended, e.g. the erasure check of the
/// points' month key, Retention/). Counted from the request's Npgsql spans, the second read of each (the first warms the caches).
/// </summary>
public sealed class when_counting_what_an_entry_costs(AppFixture app, ITestOutputHelper output) : IntegrationTest(app)
{
    [Fact]
    public async Task a_teachers_points_read_adds_one_command_and_no_key_lookup()
    {
        var world = await Api.CreateWorld("Ada");
        var ada = world.Students[0];
        await Api.GuardianOf(world.Teacher, ada);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada]);
        var route = "/api/students/{studentId}/points";

        var (total, log, keys, keysFromTheLog) = await Commands(route, () => Api.GetHistory(world.Teacher, ada));
        output.WriteLine($"teacher GET points: {total} Npgsql commands, of which {log} append to the access log and {keys} read keys");

        Assert.Equal(1, log);
        Assert.Equal(0, keysFromTheLog);
    }

    private async Task<(int Total, int Log, int Keys, int KeysFromTheLog)> Commands<T>(string route, Func<Task<T>> read)
    {
        await read();
        App.Spans.Clear();
        await read();
        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), route), $"for GET {route}");
        var spans = App.Spans.All().Where(s => s.Source.Name == "Npgsql" && s.TraceId == request.TraceId)
            .Select(s => s.GetTagItem("db.statement")?.ToString() ?? s.DisplayName).ToList();
        foreach (var s in spans) output.WriteLine(s.Length > 160 ? s[..160] : s);
        var firstLog = spans.FindIndex(s => s.Contains("access_log", StringComparison.Ordinal));
        var fromTheLog = firstLog < 0 ? [] : spans.Skip(firstLog);
        return (spans.Count, spans.Count(s => s.Contains("access_log", StringComparison.Ordinal)), spans.Count(s => s.Contains("subject_keys", StringComparison.Ordinal)),
            fromTheLog.Count(s => s.Contains("subject_keys", StringComparison.Ordinal)));
    }
}
