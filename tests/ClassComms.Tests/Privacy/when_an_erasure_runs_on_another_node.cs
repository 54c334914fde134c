using ClassComms.PersonalData;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// Key-cache eviction is cluster-wide: an erasure commits a PostgreSQL NOTIFY with the key's destruction, and every node's
/// listener (<see cref="KeyEvictionListener"/>) drops the subject's keys. Node B cached the student's key through its own
/// reads; node A (the shared host) runs the erasure. B's cache keeps keys for five minutes, so without the announcement
/// B would go on opening the erased student's data.
/// </summary>
public sealed class when_an_erasure_runs_on_another_node(AppFixture app, SecondNode nodeB) : IntegrationTest(app), IClassFixture<SecondNode>
{
    private const string StudentName = "Philippa Marchbanks";
    private const string Note = "Philippa built a working sundial";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        nodeB.Reset();
    }

    [Fact]
    public async Task the_other_node_can_no_longer_open_the_erased_students_sealed_data()
    {
        var world = await Api.CreateWorld(StudentName);
        var student = world.Students[0];
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [student], Note);
        // Node B reads the student's name and note: it now holds the student's keys in its cache.
        var before = await nodeB.Api.GetHistory(world.Teacher, student);
        Assert.Equal(StudentName, before.Name);
        Assert.Equal(Note, before.Points.Single().Note);
        var sealedName = await SealedNameOf(world.SchoolId, student);
        var vaultB = nodeB.Host.Services.GetRequiredService<PersonalDataVault>();
        Assert.Equal(StudentName, await vaultB.UnsealAsync(sealedName));

        await Api.EraseStudent(world.Dpo, student); // on node A

        // The eviction reaches B asynchronously (LISTEN/NOTIFY): a bounded wait for the outcome, not a timing assertion.
        string? seenByB = StudentName;
        for (var attempt = 0; attempt < 200 && seenByB is not null; attempt++)
        {
            seenByB = await vaultB.UnsealAsync(sealedName);
            if (seenByB is not null) await Task.Delay(50);
        }

        Assert.Null(seenByB);
        var after = await nodeB.Api.GetHistory(world.Teacher, student);
        Assert.True(after.Erased);
        Assert.Null(after.Name);
        Assert.All(after.Points, p => Assert.Null(p.Note));
    }

    private async Task<Sealed> SealedNameOf(Guid school, Guid student)
    {
        await using var session = Store.LightweightSession(school.ToString());
        var events = await session.Events.FetchStreamAsync(student);
        return events.Select(e => e.Data).OfType<StudentEnrolled>().Single().Name;
    }
}
