using Marten;

namespace ClassComms.ProcessingRestriction;

public static class ProcessingRestrictionConfiguration
{
    public static void ConfigureProcessingRestriction(this StoreOptions opts)
    {
        opts.Schema.For<SubjectRestriction>().MultiTenanted();
    }
}
