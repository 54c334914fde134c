using System.Collections.Concurrent;
using System.Net;
using Alba;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Http;
using Wolverine.Tracking;

namespace ClassComms.Tests.Platform;

/// <summary>A 4xx never commits: neither what the endpoint staged in its session nor the messages it returned.</summary>
public sealed class when_a_request_is_rejected(AppFixture app, RejectionProbeHost probe) : IntegrationTest(app), IClassFixture<RejectionProbeHost>
{
    [Fact]
    public async Task a_message_refused_for_an_unknown_attachment_leaves_the_valid_one_free_to_send_and_download()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Photos")).Threads[0];
        var photo = await Api.UploadOk(world.Teacher, thread.ConversationId, Files.Png(32, 32), "photo.png", "image/png");

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new { text = "Look", attachmentIds = new[] { photo.AttachmentId, Guid.CreateVersion7() } }, world.Teacher);
        Assert.True(problem.Errors?.ContainsKey("attachmentIds") == true, problem.Detail);

        var (before, _) = await Api.Download(world.Teacher, photo.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, before);
        var sent = await Api.Reply(world.Teacher, thread.ConversationId, "Look again", [photo.AttachmentId]);
        var message = (await Api.Thread(mum, thread.ConversationId)).Messages.Single(m => m.MessageId == sent.MessageId);
        Assert.Equal(photo.AttachmentId, Assert.Single(message.Attachments).AttachmentId);
        var (after, _) = await Api.Download(world.Teacher, photo.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(500)]
    public async Task whatever_an_endpoint_staged_before_answering_a_problem_is_not_committed_nor_sent(int status)
    {
        var (answered, document, sent) = await Probe(status);
        Assert.Equal((HttpStatusCode)status, answered);
        Assert.Null(document);
        Assert.Empty(sent);
    }

    [Fact]
    public async Task the_same_endpoint_answering_success_commits_and_sends()
    {
        var (answered, document, sent) = await Probe(201);
        Assert.Equal(HttpStatusCode.Created, answered);
        Assert.NotNull(document);
        Assert.Single(sent);
    }

    /// <summary>Calls the probe endpoint; returns the status, the staged document as found afterwards, and the probe messages sent.</summary>
    private async Task<(HttpStatusCode Status, ProbeDocument? Document, IReadOnlyList<ProbeStaged> Sent)> Probe(int status)
    {
        var host = probe.Host;
        var id = Guid.CreateVersion7();
        HttpStatusCode answered = default;
        var tracked = await host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async context =>
        {
            (answered, _, _) = await new Api(host).Send(HttpMethod.Post, $"/test/rejection-probe/{id}/{status}", null, null);
        }));
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var document = await session.LoadAsync<ProbeDocument>(id);
        var sent = tracked.Sent.MessagesOf<ProbeStaged>().Concat(tracked.Executed.MessagesOf<ProbeStaged>())
            .Where(m => m.Id == id).DistinctBy(m => m.Id).ToList();
        return (answered, document, sent);
    }
}

/// <summary>A host of its own that also discovers this test assembly's probe endpoint and handler.</summary>
public sealed class RejectionProbeHost : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing", null,
            b => b.ConfigureServices(s => s.ConfigureWolverine(o => o.Discovery.IncludeAssembly(typeof(RejectionProbeEndpoint).Assembly))));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class ProbeDocument
{
    public Guid Id { get; set; }
}

public sealed record ProbeStaged(Guid Id);

/// <summary>Test-only endpoint: stages a document and a message, then answers with the status asked for.</summary>
public static class RejectionProbeEndpoint
{
    [AllowAnonymous]
    [WolverinePost("/test/rejection-probe/{id}/{status}")]
    public static (IResult, OutgoingMessages) Post(Guid id, int status, IDocumentSession session)
    {
        session.Store(new ProbeDocument { Id = id });
        var answer = status >= 400 ? Results.Problem(statusCode: status, title: "Refused.") : Results.StatusCode(status);
        return (answer, new OutgoingMessages { new ProbeStaged(id) });
    }
}

public static class ProbeStagedHandler
{
    public static readonly ConcurrentBag<Guid> Handled = [];

    public static void Handle(ProbeStaged message) => Handled.Add(message.Id);
}
