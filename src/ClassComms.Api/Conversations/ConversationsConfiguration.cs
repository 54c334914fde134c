using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Conversations;

public static class ConversationsConfiguration
{
    public static void ConfigureConversations(this StoreOptions opts)
    {
        opts.Schema.For<Conversation>().MultiTenanted().Index(c => c.ClassId).Index(c => c.StudentId);
        opts.Projections.Snapshot<Conversation>(SnapshotLifecycle.Inline);
        // Composite indexes for the cursor queries: a thread page is one conversation's messages by PostedAt, an inbox page one
        // user's entries by Sequence; the leading column also serves the plain lookups by conversation or user.
        opts.Schema.For<MessageView>().MultiTenanted().Index([m => m.ConversationId, m => m.PostedAt])
            .Index([m => m.ConversationId, m => m.Sequence]); // webcursor3: a thread's changes after its cursor
        opts.Schema.For<InboxEntry>().MultiTenanted().Index([x => x.UserId, x => x.Sequence]).Index(x => x.Sequence);
        // The views and the inbox entries of a transaction's messages: one statement (MessageProjection).
        opts.Projections.Add(new MessageProjection(), ProjectionLifecycle.Inline);
    }

    public static IServiceCollection AddConversations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section));
        services.AddSingleton<MessageReader>();
        return services;
    }
}
