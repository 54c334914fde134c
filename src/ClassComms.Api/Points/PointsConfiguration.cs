using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Points;

public static class PointsConfiguration
{
    public static void ConfigurePoints(this StoreOptions opts)
    {
        // (StudentId, AwardedAt): a history page is one student's points before a cursor, newest first.
        opts.Schema.For<PointEntry>().MultiTenanted().Index([p => p.StudentId, p => p.AwardedAt]).Index(p => p.AwardId);
        opts.Schema.For<StoredClassSummary>().MultiTenanted();
        opts.Projections.Add(new PointEntryProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add<ClassSummaryProjection>(ProjectionLifecycle.Async);
    }
}
