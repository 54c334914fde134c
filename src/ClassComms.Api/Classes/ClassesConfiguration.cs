using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Classes;

public static class ClassesConfiguration
{
    public static void ConfigureClasses(this StoreOptions opts)
    {
        opts.Schema.For<SchoolClass>().MultiTenanted().Index(c => c.TeacherId);
        opts.Projections.Snapshot<SchoolClass>(SnapshotLifecycle.Inline);
    }
}
