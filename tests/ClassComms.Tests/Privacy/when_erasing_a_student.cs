using System.Net;
using System.Text;
using ClassComms.Classes;
using ClassComms.Guardians;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Privacy;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Privacy;

public sealed class when_erasing_a_student(AppFixture app) : IntegrationTest(app)
{
    private const string StudentName = "Zephyrine Quillfeather";
    private const string ClassmateName = "Barnaby Oakenshield";
    private const string GuardianName = "Octavia Thistlewood";
    private const string Note = "Zephyrine painted a luminous heron during art";

    [Fact]
    public async Task no_personal_value_is_in_any_table_and_after_erasure_the_api_cannot_show_it_either()
    {
        var world = await Api.CreateWorld(StudentName, ClassmateName);
        var student = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, student, GuardianName);
        await using var parentApp = await HubClient.Connect(App, guardian);
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [student], Note);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, world.Students);
        await parentApp.WaitFor(nameof(ClassComms.Notifications.INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);
        await ProjectionsCaughtUp();

        string[] personal = [StudentName, "Zephyrine", "Quillfeather", ClassmateName, GuardianName, "Thistlewood", Note, "luminous heron",
            guardian.Email, world.Teacher.Name, world.Teacher.Email, world.Leader.Email];

        // Before erasure: the decrypted API output shows them (so the search below can find what it looks for) ...
        var before = await ApiOutput(world, guardian, student);
        foreach (var value in new[] { StudentName, GuardianName, Note }) Assert.Contains(value, before);
        // ... but nothing in the database holds them in plaintext, ever.
        var dumpBefore = await DatabaseDump.TakeAsync();
        Assert.Contains(student.ToString(), dumpBefore); // the dump does hold the student's events and documents
        AssertAbsent(dumpBefore, personal);
        var summaryBefore = await Api.Get<ClassSummary>($"/api/classes/{world.ClassId}/summary", world.Teacher);

        var erasure = await Api.EraseStudent(world.Dpo, student);
        await ProjectionsCaughtUp();

        // The API shows the student as erased and nothing personal about them.
        var after = await ApiOutput(world, guardian, student);
        foreach (var value in new[] { StudentName, Note }) Assert.DoesNotContain(value, after);
        var view = await Api.Get<StudentView>($"/api/students/{student}", world.Teacher);
        Assert.True(view.Erased);
        Assert.Null(view.Name);
        Assert.Equal(erasure.CompletedAt, view.ErasedAt);
        var roster = await Api.Get<ClassView>($"/api/classes/{world.ClassId}", world.Teacher);
        Assert.Contains(roster.Students, s => s.StudentId == student && s.Erased && s.Name is null);
        Assert.Contains(roster.Students, s => s.Name == ClassmateName);

        // Guardians no longer see the child.
        Assert.Empty(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian));
        Assert.Empty((await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{student}", null, guardian);

        // The class keeps its non-personal statistics.
        var summaryAfter = await Api.Get<ClassSummary>($"/api/classes/{world.ClassId}/summary", world.Teacher);
        Assert.Equal(summaryBefore, summaryAfter with { Skills = summaryBefore.Skills, Days = summaryBefore.Days });
        Assert.Equal(summaryBefore.Skills, summaryAfter.Skills);
        Assert.Equal(3, summaryAfter.PointsAwarded);

        // No new personal data can be written for the subject.
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.Positive.Id, [student], false, "A new note about an erased child"), world.Teacher);
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        await Assert.ThrowsAsync<SubjectErasedException>(async () => await vault.SealAsync(world.SchoolId.ToString(), student, "student.name", "x"));

        // And the whole database still holds none of it; the key row is a fence without key material.
        var dumpAfter = await DatabaseDump.TakeAsync();
        Assert.Contains(nameof(StudentErased), dumpAfter);
        AssertAbsent(dumpAfter, personal);
        var keyRow = (await Host.Services.GetRequiredService<SubjectKeyStore>().FindAsync([student], CancellationToken.None)).Single();
        Assert.Null(keyRow.WrappedKey);

        // The erasure is in the ledger outside the database, without personal data.
        var ledger = await Host.Services.GetRequiredService<ErasureLedger>().ReadAsync(world.SchoolId, CancellationToken.None);
        var entry = Assert.Single(ledger, r => r.SubjectId == student);
        Assert.Equal(world.Dpo.UserId, entry.RequestedBy);

        // Nor does anything the host logged during the scenario (requests, pushes, the erasure workflow).
        App.AssertLogsContainNone(personal);

        // Nor do the spans it exported (names, attributes such as SQL text, events, status).
        App.AssertSpansContainNone(personal);
    }

    [Fact]
    public async Task only_the_dpo_can_erase_and_unknown_or_other_school_students_are_404()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/privacy/students/{world.Students[0]}/erasure", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/privacy/students/{world.Students[0]}/erasure", null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/privacy/students/{Guid.CreateVersion7()}/erasure", null, world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/privacy/students/{other.Students[0]}/erasure", null, world.Dpo);
        var malformed = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/privacy/students/42/erasure", null, world.Dpo);
        Assert.Contains("studentId", malformed.Errors!.Keys);

        var view = await Api.Get<StudentView>($"/api/students/{other.Students[0]}", other.Teacher);
        Assert.False(view.Erased);
    }

    [Fact]
    public async Task erasing_twice_answers_the_first_erasure_and_erased_students_get_no_parent_codes()
    {
        var world = await Api.CreateWorld();
        var pending = await Api.IssueCode(world.Teacher, world.Students[0]);
        var first = await Api.RequestStudentErasure(world.Dpo, world.Students[0]);
        Assert.Contains(first.Status, new[] { Erasure.Requested, Erasure.InProgress, Erasure.Completed });
        var completed = await Api.ErasureCompleted(world.Dpo, world.Students[0]);
        var second = await Api.RequestStudentErasure(world.Dpo, world.Students[0], HttpStatusCode.OK);
        Assert.Equal(first.RequestedAt, second.RequestedAt);
        Assert.Equal(completed, second);
        Assert.Equal(Erasure.Completed, second.Status);
        Assert.All(new[] { second.LedgerRecordedAt, second.KeyDestroyedAt, second.BlobsDeletedAt }, at => Assert.NotNull(at));
        Assert.Equal(world.Dpo.UserId, second.RequestedBy);

        await Api.Problem(HttpStatusCode.Gone, HttpMethod.Post, $"/api/students/{world.Students[0]}/parent-codes", null, world.Teacher);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(pending.Code, "Late Parent", Api.NewEmail("late"), Support.Api.Password), null, Support.Api.FromNewAddress);
    }

    private async Task<string> ApiOutput(World world, Session guardian, Guid student)
    {
        var output = new StringBuilder();
        foreach (var (url, who) in new[]
                 {
                     ($"/api/classes/{world.ClassId}", world.Teacher), ($"/api/students/{student}", world.Teacher),
                     ($"/api/students/{student}/points", world.Teacher), ("/api/guardians/me/children", guardian),
                     ("/api/guardians/me/feed", guardian), ($"/api/students/{student}/points", guardian),
                 })
        {
            output.AppendLine((await Api.Send(HttpMethod.Get, url, null, who)).Body);
        }

        return System.Text.RegularExpressions.Regex.Unescape(output.ToString());
    }

    private static void AssertAbsent(string dump, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains a personal value ({value.Length} chars).");
        }
    }
}
