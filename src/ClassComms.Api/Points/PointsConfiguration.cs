using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Points;

public static class PointsConfiguration
{
    public static void ConfigurePoints(this StoreOptions opts)
    {
        opts.Schema.For<PointEntry>().MultiTenanted().Index(p => p.StudentId).Index(p => p.AwardId);
        opts.Schema.For<StoredClassSummary>().MultiTenanted();
        opts.Projections.Add<PointEntryProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<ClassSummaryProjection>(ProjectionLifecycle.Async);
    }
}
