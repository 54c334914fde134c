using System.Text.Json;
using Azure.Storage.Blobs;
using ClassComms.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// The erasure workflow's back-off without real waits: the running host's failure rules for <see cref="ContinueErasure"/>, and a
/// step that never succeeds driven through Wolverine's durable inbox, each scheduled retry pulled forward to "now".
/// </summary>
public sealed class when_an_erasure_step_keeps_failing(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public void it_is_retried_after_1_5_15_seconds_then_rescheduled_after_1_5_15_60_minutes_then_dead_lettered()
    {
        var decisions = Enumerable.Range(1, 8).Select(attempt => Decide(new InvalidOperationException("a step failed"), attempt)).ToList();

        Assert.Equal(
        [
            ("RetryInline", TimeSpan.FromSeconds(1)), ("RetryInline", TimeSpan.FromSeconds(5)), ("RetryInline", TimeSpan.FromSeconds(15)),
            ("ScheduledRetry", TimeSpan.FromMinutes(1)), ("ScheduledRetry", TimeSpan.FromMinutes(5)), ("ScheduledRetry", TimeSpan.FromMinutes(15)),
            ("ScheduledRetry", TimeSpan.FromMinutes(60)), ("MoveToErrorQueue", (TimeSpan?)null),
        ], decisions);
    }

    [Fact]
    public void a_concurrency_conflict_is_retried_quickly_then_rescheduled_then_dead_lettered()
    {
        var decisions = Enumerable.Range(1, 5).Select(attempt => Decide(new JasperFx.ConcurrencyException(typeof(object), Guid.Empty), attempt)).ToList();

        Assert.Equal(
        [
            ("RetryInline", TimeSpan.FromMilliseconds(100)), ("RetryInline", TimeSpan.FromMilliseconds(500)),
            ("ScheduledRetry", TimeSpan.FromSeconds(5)), ("ScheduledRetry", TimeSpan.FromSeconds(30)), ("MoveToErrorQueue", (TimeSpan?)null),
        ], decisions);
    }

    [Fact]
    public async Task a_step_that_never_succeeds_is_rescheduled_after_1_5_15_60_minutes_then_lands_in_the_dead_letter_table()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var now = DateTimeOffset.UtcNow;
        // The ledger step fails every time: an entry under the student's name already describes someone else.
        var ledger = Host.Services.GetRequiredService<ErasureLedger>();
        await ledger.EnsureContainerAsync(CancellationToken.None);
        await Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ErasureLedger.Container)
            .GetBlobClient(ErasureLedger.EntryName(world.SchoolId, student))
            .UploadAsync(BinaryData.FromObjectAsJson(new ErasureRecord(Guid.CreateVersion7(), SubjectKinds.Student, world.SchoolId, world.Dpo.UserId, now),
                JsonSerializerOptions.Web));
        await Host.Services.GetRequiredService<ErasureSteps>()
            .EnsureRequestedAsync(new ErasureRecord(student, SubjectKinds.Student, world.SchoolId, world.Dpo.UserId, now), CancellationToken.None);

        // The workflow's message, durably scheduled far ahead; then marked as having failed its three quick, in-process retries.
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().ScheduleAsync(new ContinueErasure(world.SchoolId, student), now.AddDays(1));
        }

        await using var db = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await db.OpenAsync();
        var id = await Until(async () => await Scalar<Guid?>(db,
            "select id from classcomms.wolverine_incoming_envelopes where message_type like '%ContinueErasure' and status = 'Scheduled' and execution_time > now() + interval '23 hours'"));
        await Execute(db, "update classcomms.wolverine_incoming_envelopes set attempts = 3 where id = @id", id);

        foreach (var (attempt, delay) in new[] { (4, TimeSpan.FromMinutes(1)), (5, TimeSpan.FromMinutes(5)), (6, TimeSpan.FromMinutes(15)), (7, TimeSpan.FromMinutes(60)) })
        {
            await Execute(db, "update classcomms.wolverine_incoming_envelopes set execution_time = now() where id = @id", id); // due now
            // Wolverine runs it, the step fails, and the envelope is rescheduled with one more attempt, `delay` from now.
            var seconds = await Until(async () => await Scalar<double?>(db,
                $"select extract(epoch from execution_time - now())::float8 from classcomms.wolverine_incoming_envelopes where id = @id and status = 'Scheduled' and attempts = {attempt}", id));
            Assert.InRange(seconds, delay.TotalSeconds - 30, delay.TotalSeconds + 1);
        }

        await Execute(db, "update classcomms.wolverine_incoming_envelopes set execution_time = now() where id = @id", id);
        var deadLetter = await Until(async () => await Scalar<string?>(db, "select exception_type from classcomms.wolverine_dead_letters where id = @id", id));
        Assert.Equal(typeof(InvalidOperationException).FullName, deadLetter);
        Assert.Null(await Scalar<string?>(db, "select status from classcomms.wolverine_incoming_envelopes where id = @id", id));
        Assert.Equal(Erasure.Requested, (await Api.Get<ErasureStatus>($"/api/privacy/erasures/{student}", world.Dpo)).Status);
    }

    /// <summary>Polls until <paramref name="read"/> gives a value (a bounded wait for Wolverine's background agents, not a timing assertion).</summary>
    private static async Task<T> Until<T>(Func<Task<T?>> read) where T : struct
    {
        for (var i = 0; i < 600; i++)
        {
            if (await read() is { } value) return value;
            await Task.Delay(100);
        }

        Assert.Fail("Wolverine never got there.");
        return default;
    }

    private static async Task<string> Until(Func<Task<string?>> read)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await read() is { } value) return value;
            await Task.Delay(100);
        }

        Assert.Fail("Wolverine never got there.");
        return "";
    }

    private static async Task<T?> Scalar<T>(NpgsqlConnection db, string sql, Guid? id = null)
    {
        await using var command = new NpgsqlCommand(sql, db);
        if (id is { } value) command.Parameters.AddWithValue("id", value);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    private static async Task Execute(NpgsqlConnection db, string sql, Guid id)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>The continuation the chain's failure rules choose for the <paramref name="attempt"/>-th failure, by kind and delay.</summary>
    private (string Kind, TimeSpan? Delay) Decide(Exception failure, int attempt)
    {
        var runtime = Host.Services.GetRequiredService<IWolverineRuntime>();
        var handlers = ((WolverineRuntime)runtime).Handlers;
        handlers.HandlerFor(typeof(ContinueErasure)); // handlers are built on first use; building applies ContinueErasureHandler.Configure
        var chain = handlers.ChainFor(typeof(ContinueErasure));
        Assert.NotNull(chain);
        var envelope = new Envelope(new ContinueErasure(Guid.CreateVersion7(), Guid.CreateVersion7())) { Attempts = attempt };
        foreach (var rule in chain!.Failures)
        {
            if (!rule.TryCreateContinuation(failure, envelope, out var continuation)) continue;
            var kind = continuation.GetType().Name.Replace("Continuation", "");
            return (kind, continuation.GetType().GetProperty("Delay")?.GetValue(continuation) as TimeSpan?);
        }

        return ("none", null);
    }
}
