using System.Net;
using System.Net.Http.Json;
using ClassComms.Accounts;
using ClassComms.Conversations;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Privacy;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// Real parallel requests while an erasure runs: nothing written meanwhile survives readable, and the erasure
/// completes whole (no student with a destroyed key but no <c>StudentErased</c>, no guardian who can still log in).
/// </summary>
public sealed class when_an_erasure_races_other_writes(AppFixture app) : IntegrationTest(app)
{
    private const int Writers = 24;

    [Fact]
    public async Task points_awarded_during_a_students_erasure_are_refused_or_shredded_and_the_erasure_completes_whole()
    {
        var world = await Api.CreateWorld("Delphine Ashcombe", "Ignatius Brackenbury");
        var student = world.Students[0];
        await Api.IssueCode(world.Teacher, student);

        var awards = Enumerable.Range(0, Writers).Select(i => Task.Run(() => SendAsync(world.Teacher, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.Positive.Id, i % 2 == 0 ? [student] : [student, world.Students[1]], false, $"A private note number {i}")))).ToList();
        var erasure = Task.Run(() => SendAsync(world.Dpo, $"/api/privacy/students/{student}/erasure", null));
        var statuses = await Task.WhenAll(awards);
        Assert.Equal(HttpStatusCode.Accepted, await erasure);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, $"an award answered {(int)s}"));
        Assert.Contains(HttpStatusCode.Created, statuses);

        var done = await Api.ErasureCompleted(world.Dpo, student);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.Positive.Id, [student], false, "After the erasure"), world.Teacher);

        // The stream ends erased: one StudentErased, no point after it, and every note written is unreadable.
        await using var session = Store.LightweightSession(world.SchoolId.ToString());
        var events = await session.Events.FetchStreamAsync(student);
        var erased = Assert.Single(events, e => e.Data is StudentErased);
        Assert.DoesNotContain(events, e => e.Data is PointAwarded && e.Version > erased.Version);
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        var notes = events.Select(e => e.Data).OfType<PointAwarded>().Where(p => p.Note is not null).ToList();
        Assert.NotEmpty(notes);
        foreach (var point in notes) Assert.Null(await vault.UnsealAsync(point.Note, point.PointId.ToString()));
        Assert.Equal(done.CompletedAt, ((StudentErased)erased.Data).At);

        var view = await Api.GetStudent(world.Teacher, student);
        Assert.True(view.Erased);
        Assert.Null(view.Name);
        Assert.True(await vault.IsErasedAsync(student));
        Assert.All(await Api.Get<List<ParentCodeView>>($"/api/students/{student}/parent-codes", world.Teacher), c => Assert.Equal("revoked", c.Status));
    }

    [Fact]
    public async Task messages_a_guardian_writes_during_their_erasure_are_refused_or_shredded_and_they_end_unlinked_and_locked_out()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var secondCode = (await Api.IssueCode(world.Teacher, world.Students[1])).Code;
        await Api.Post<ClassComms.Guardians.ChildLinked>("/api/guardians/me/children", new ClassComms.Guardians.LinkChild(secondCode), mum,
            HttpStatusCode.OK);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        var replies = Enumerable.Range(0, Writers).Select(i => Task.Run(() => SendAsync(mum, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage($"Mum's private reply {i}", null, false)))).ToList();
        var erasure = Task.Run(() => SendAsync(world.Dpo, $"/api/privacy/guardians/{mum.UserId}/erasure", null));
        var statuses = await Task.WhenAll(replies);
        Assert.Equal(HttpStatusCode.Accepted, await erasure);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"a reply answered {(int)s}"));
        await Api.ErasureCompleted(world.Dpo, mum.UserId);

        var teacherView = await Api.Thread(world.Teacher, thread.ConversationId);
        Assert.All(teacherView.Messages.Where(m => m.SenderId == mum.UserId), m => Assert.True(m.SenderErased && m.Text is null));
        Assert.Equal("Hello", teacherView.Messages.Single(m => m.SenderId == world.Teacher.UserId).Text);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(mum.Email, Support.Api.Password), null);
        foreach (var student in world.Students.Take(2))
        {
            Assert.DoesNotContain((await Api.GetStudent(world.Teacher, student)).Guardians!, g => g.GuardianId == mum.UserId);
        }
    }

    [Fact]
    public async Task the_same_erasure_requested_many_times_at_once_runs_one_workflow()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];

        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SendAsync(world.Dpo, $"/api/privacy/students/{student}/erasure", null))));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.OK, $"a request answered {(int)s}"));
        Assert.Contains(HttpStatusCode.Accepted, statuses);
        await Api.ErasureCompleted(world.Dpo, student);

        await using var session = Store.LightweightSession(world.SchoolId.ToString());
        var events = await session.Events.FetchStreamAsync(Erasure.IdFor(student));
        Assert.Single(events, e => e.Data is ErasureRequested);
        Assert.Single(events, e => e.Data is ErasureCompleted);
        Assert.Single(await session.Events.FetchStreamAsync(student), e => e.Data is StudentErased);
    }

    private async Task<HttpStatusCode> SendAsync(Session who, string url, object? body)
    {
        using var client = Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        using var response = body is null ? await client.PostAsync(url, null) : await client.PostAsJsonAsync(url, body);
        return response.StatusCode;
    }
}
