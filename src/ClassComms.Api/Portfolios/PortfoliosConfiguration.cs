using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Portfolios;

public static class PortfoliosConfiguration
{
    public static void ConfigurePortfolios(this StoreOptions opts)
    {
        opts.Schema.For<PortfolioItem>().MultiTenanted().Index(i => i.StudentId).Index(i => i.Position);
        opts.Projections.Add(new PortfolioProjection(), ProjectionLifecycle.Inline);
    }
}
