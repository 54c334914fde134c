using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Stories;

public static class StoriesConfiguration
{
    public static void ConfigureStories(this StoreOptions opts)
    {
        opts.Schema.For<StoryPostView>().MultiTenanted().Index(p => p.StoryId).Index(p => p.Sequence).GinIndexJsonData();
        opts.Schema.For<StoryComment>().MultiTenanted().Index(c => c.PostId).Index(c => c.Sequence).Index(c => c.AuthorId);
        opts.Schema.For<PendingStoryComment>().MultiTenanted().Index(c => c.PostId).Index(c => c.AuthorId);
        opts.Schema.For<StoryLike>().MultiTenanted().Index(l => l.PostId).Index(l => l.PersonId);
        opts.Schema.For<StoryPostChange>().MultiTenanted().Index(r => r.StoryId).Index(r => r.Sequence);
        opts.Schema.For<StoryMediaRemoval>().MultiTenanted();
        opts.Projections.Add(new StoryProjection(), ProjectionLifecycle.Inline);
    }
}
