using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Incidents;

public static class IncidentsConfiguration
{
    /// <summary>The register: one stream per incident, its snapshot written inline (one school per tenant).</summary>
    public static void ConfigureIncidents(this StoreOptions opts)
    {
        opts.Schema.For<Incident>().MultiTenanted();
        opts.Projections.Snapshot<Incident>(SnapshotLifecycle.Inline);
    }
}
