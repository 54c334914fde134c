using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Students;

public static class StudentsConfiguration
{
    public static void ConfigureStudents(this StoreOptions opts)
    {
        opts.Schema.For<Student>().MultiTenanted();
        opts.Projections.Snapshot<Student>(SnapshotLifecycle.Inline);
        // Global so an anonymous redemption can find its school; looked up by keyed hash only.
        opts.Schema.For<ParentCode>().SingleTenanted().Index(c => c.StudentId);
    }
}
