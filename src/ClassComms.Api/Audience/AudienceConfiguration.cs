using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Audience;

public static class AudienceConfiguration
{
    public static void ConfigureAudience(this StoreOptions opts)
    {
        // A person's rows, a child's rows, a class's rows: each one indexed query.
        opts.Schema.For<AudienceLink>().MultiTenanted().Index(x => x.PersonId).Index(x => x.StudentId).Index(x => x.ClassId);
        opts.Schema.For<AudienceMutes>().MultiTenanted();
        opts.Projections.Add(new AudienceAccessProjection(), ProjectionLifecycle.Inline);
    }
}
