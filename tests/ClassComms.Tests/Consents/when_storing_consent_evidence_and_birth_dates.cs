using ClassComms.Consents;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

/// <summary>A paper form's evidence and a student's date of birth are personal data: sealed for the student, never plaintext at rest.</summary>
public sealed class when_storing_consent_evidence_and_birth_dates(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_evidence_and_the_birth_date_are_in_no_table_or_log_while_staff_read_them_back()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var evidence = $"Form signed by Ysolde Marchetti-Quill {tag}";
        const string birthDate = "2013-07-21";
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);

        await Api.Change(world.Teacher, student, ConsentPurposes.ClassStoryMedia, true, evidence);
        await Api.Change(mum, student, ConsentPurposes.SchoolStoryMedia, true);
        await Api.SetBirthDate(world.Teacher, student, birthDate);

        // The API gives them back to staff (so the searches below look for values that were really stored).
        Assert.Equal(evidence, (await Api.ConsentHistory(world.Dpo, student)).Entries[0].Evidence);
        Assert.Equal(birthDate, (await Api.Consents(world.Teacher, student)).BirthDate);

        string[] personal = [evidence, "Ysolde Marchetti-Quill", birthDate, "2013-07-21T", "21/07/2013"];
        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains(student.ToString(), dump);
        Assert.Contains("birthdate", dump.ToLowerInvariant()); // the sealed field is there
        foreach (var value in personal)
        {
            Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains a personal value ({value.Length} chars).");
        }

        App.AssertLogsContainNone(personal);
        App.AssertSpansContainNone(personal);
    }
}
