using ClassComms.Conversations;
using ClassComms.Points;
using Wolverine;

namespace ClassComms.Notifications;

/// <summary>
/// A push found its item unreadable although the item's transaction committed (it cannot happen while the feed and the
/// inbox are written in that transaction, <see cref="ReadPositions"/>): the push is retried later rather than sent ahead
/// of what it points to.
/// </summary>
public sealed class PushNotReadableYet(string readModel) : Exception($"{readModel} does not hold the pushed item yet; the push is scheduled again.");

public static class PushQueueConfiguration
{
    /// <summary>Local queue of the push handlers (durable, like every local queue).</summary>
    public const string PushQueue = "pushes";

    /// <summary>Pushes handled at once per node: a push handler spends its time on queries and sends, not computing.</summary>
    public const int PushParallelism = 20;

    /// <summary>Every push message goes to the push queue, so pushes do not wait behind other local work.</summary>
    public static void UseClassCommsPushQueue(this WolverineOptions opts)
    {
        opts.LocalQueue(PushQueue).MaximumParallelMessages(PushParallelism);
        opts.PublishMessage<MessageChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<DeliverMessageNotice>().ToLocalQueue(PushQueue);
        opts.PublishMessage<MessagesReadNotice>().ToLocalQueue(PushQueue);
        opts.PublishMessage<PointsChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<Stories.StoryPostChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<Stories.StoryCommentChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<Stories.StoryItemChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<Portfolios.PortfolioChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<StudentAccounts.StudentRegistrationArrived>().ToLocalQueue(PushQueue);
    }
}
