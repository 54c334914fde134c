using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Audience;

public static class AudienceConfiguration
{
    public static void ConfigureAudience(this StoreOptions opts)
    {
        // "Who has this student / this class" are containment queries on the flat id lists: one GIN index answers both.
        opts.Schema.For<AudienceAccess>().MultiTenanted().GinIndexJsonData();
        opts.Projections.Add(new AudienceAccessProjection(), ProjectionLifecycle.Inline);
    }
}
