using Alba;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Tests.PersonalData;
using ClassComms.Tests.Support;
using JasperFx.Resources;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine.Tracking;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// Delivery survives a crash between commit and push: the notice sits in Wolverine's durable inbox, a new
/// host recovers it and pushes, and the reconnecting client finds the message exactly once in its inbox.
/// Runs two hosts of its own, one after the other, on a private database.
/// </summary>
public sealed class when_the_host_stops_before_pushing(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_restarted_host_pushes_it_and_the_inbox_holds_it_exactly_once()
    {
        var database = await PrivateDatabaseAsync("classcomms_tests_restart");
        Session mum, teacher;
        Guid conversationId, messageId;

        var first = await AppFixture.StartHostAsync(database);
        try
        {
            await first.ResetResourceState();
            await first.ResetAllMartenDataAsync();
            await KeyStores.DeleteAllAsync(database);
            var api = new Api(first);
            var world = await api.CreateWorld();
            teacher = world.Teacher;
            mum = await api.GuardianOf(world.Teacher, world.Students[0]);
            conversationId = (await api.StartConversation(world.Teacher, world.Students[0], "Before the crash")).Threads[0].ConversationId;
            await first.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
            await using var before = await HubClient.Connect(first.GetTestServer(), mum);

            // Stop this node's notification queue: what is committed from now on is not pushed by it.
            var runtime = first.GetRuntime();
            var queue = runtime.Endpoints.LocalQueueForMessageType(typeof(MessageChanged));
            Assert.NotNull(queue);
            var agent = runtime.Endpoints.AgentForLocalQueue(queue.Uri);
            var circuit = agent as Wolverine.Transports.IListenerCircuit;
            Assert.True(circuit is not null, $"the local queue agent is a {agent?.GetType().Name}");
            await circuit!.PauseAsync(TimeSpan.FromMinutes(10));

            messageId = (await api.Reply(teacher, conversationId, "Committed, never pushed by the first host")).MessageId;
            Assert.True(await PendingNoticesAsync(database) > 0, "the committed notice should wait in the durable inbox");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.DoesNotContain(before.All<MessageNotice>(nameof(INotificationClient.MessageReceived)), n => n.MessageId == messageId);
        }
        finally
        {
            await first.StopAsync();
            await first.DisposeAsync();
        }

        await using var second = await AppFixture.StartHostAsync(database);
        await using var reconnected = await HubClient.Connect(second.GetTestServer(), mum);
        await reconnected.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == messageId, TimeSpan.FromSeconds(60));

        await second.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var inbox = await new Api(second).Inbox(mum);
        Assert.Single(inbox.Items, i => i.Message.MessageId == messageId);
        Assert.Equal(2, inbox.Items.Count);
        Assert.Single(reconnected.All<MessageNotice>(nameof(INotificationClient.MessageReceived)), n => n.MessageId == messageId);
    }

    private static async Task<string> PrivateDatabaseAsync(string name)
    {
        var builder = new NpgsqlConnectionStringBuilder(AppFixture.Required("ConnectionStrings__Marten"));
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", admin);
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
        }

        builder.Database = name;
        return builder.ConnectionString;
    }

    private static async Task<long> PendingNoticesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        var schema = (string)(await find.ExecuteScalarAsync())!;
        await using var count = new NpgsqlCommand($"select count(*) from {schema}.wolverine_incoming_envelopes where message_type like '%MessageChanged%' and status = 'Incoming'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
