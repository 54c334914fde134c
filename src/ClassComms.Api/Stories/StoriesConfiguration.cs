using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Stories;

public static class StoriesConfiguration
{
    public static void ConfigureStories(this StoreOptions opts)
    {
        opts.Schema.For<StoryPostView>().MultiTenanted().Index(p => p.StoryId).Index(p => p.Sequence).GinIndexJsonData();
        opts.Projections.Add(new StoryProjection(), ProjectionLifecycle.Inline);
    }
}
