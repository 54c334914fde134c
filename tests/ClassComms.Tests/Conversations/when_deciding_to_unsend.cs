using ClassComms.Conversations;
using ClassComms.Platform;
using Microsoft.AspNetCore.Http;

namespace ClassComms.Tests.Conversations;

/// <summary>The unsend rules (<see cref="UnsendMessageEndpoint.Decide"/>) tested as a table, without a host or a database; the
/// endpoint's tests (<see cref="when_unsending_and_reading"/>) cover who may reach the conversation at all.</summary>
public sealed class when_deciding_to_unsend
{
    private static readonly Guid School = Guid.CreateVersion7();
    private static readonly Guid Conversation = Guid.CreateVersion7();
    private static readonly Caller Sender = new(Guid.CreateVersion7(), School, Role.Teacher);
    private static readonly DateTimeOffset Posted = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static MessageView Message(Guid? sender = null, Guid? conversation = null, DateTimeOffset? withdrawnAt = null) =>
        new(Guid.CreateVersion7(), conversation ?? Conversation, sender ?? Sender.UserId, null, [], false, Posted, withdrawnAt, []);

    private static int? Status(UnsendDecision d) => (d.Problem as IStatusCodeHttpResult)?.StatusCode;

    [Fact]
    public void the_sender_within_the_window_withdraws_that_message_at_that_time()
    {
        var message = Message();
        var decision = UnsendMessageEndpoint.Decide(message, Conversation, Sender, Posted + Window, Window);
        Assert.Null(decision.Problem);
        Assert.Equal(new MessageWithdrawn(Conversation, Sender.UserId, message.Id, Posted + Window), decision.Withdrawn);
    }

    [Theory]
    [InlineData("missing", 404)]
    [InlineData("other conversation", 404)]
    [InlineData("other sender", 403)]
    [InlineData("already withdrawn", 409)]
    [InlineData("window passed", 409)]
    public void anything_else_is_refused_with_no_event(string case_, int status)
    {
        var (message, now) = case_ switch
        {
            "missing" => (null, Posted),
            "other conversation" => (Message(conversation: Guid.CreateVersion7()), Posted),
            "other sender" => (Message(sender: Guid.CreateVersion7()), Posted),
            "already withdrawn" => (Message(withdrawnAt: Posted.AddMinutes(1)), Posted.AddMinutes(2)),
            _ => (Message(), Posted + Window + TimeSpan.FromTicks(1)),
        };
        var decision = UnsendMessageEndpoint.Decide(message, Conversation, Sender, now, Window);
        Assert.Equal(status, Status(decision));
        Assert.Null(decision.Withdrawn);
    }
}
