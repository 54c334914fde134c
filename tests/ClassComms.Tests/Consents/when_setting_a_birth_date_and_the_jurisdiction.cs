using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

public sealed class when_setting_a_birth_date_and_the_jurisdiction(AppFixture app) : IntegrationTest(app)
{
    private const string JurisdictionUrl = "/api/school/consent-jurisdiction";

    [Fact]
    public async Task a_leader_chooses_the_jurisdiction_from_the_age_of_consent_table()
    {
        var world = await Api.CreateWorld();

        var none = await Api.Get<ConsentJurisdictionView>(JurisdictionUrl, world.Teacher);
        Assert.Null(none.Jurisdiction);
        Assert.Null(none.AgeOfConsent);
        Assert.Equal(14, none.AgesOfConsent["CA-QC"]);
        Assert.Equal(15, none.AgesOfConsent["FR"]);
        Assert.Equal(16, none.AgesOfConsent["IE"]);
        Assert.Equal(13, none.AgesOfConsent["BE"]);
        Assert.Equal(16, none.AgesOfConsent["DE"]);
        Assert.All(none.AgesOfConsent.Values, age => Assert.InRange(age, 13, 16));

        var quebec = await Api.SetJurisdiction(world.Leader, "CA-QC");
        Assert.Equal(("CA-QC", 14), (quebec.Jurisdiction, quebec.AgeOfConsent));
        var france = await Api.SetJurisdiction(world.Leader, "fr");
        Assert.Equal(("FR", 15), (france.Jurisdiction, france.AgeOfConsent));
        Assert.Equal("FR", (await Api.Get<ConsentJurisdictionView>(JurisdictionUrl, world.Dpo)).Jurisdiction);
    }

    [Fact]
    public async Task an_unknown_jurisdiction_is_a_400_and_only_a_leader_may_choose()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, JurisdictionUrl, new SetConsentJurisdiction("Atlantis"), world.Leader);
        Assert.True(problem.Errors?.ContainsKey("jurisdiction"));
        Assert.DoesNotContain("Atlantis", problem.Detail ?? "");
        Assert.True((await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, JurisdictionUrl, new SetConsentJurisdiction(null), world.Leader))
            .Errors?.ContainsKey("jurisdiction"));
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, JurisdictionUrl, new SetConsentJurisdiction("IE"), world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, JurisdictionUrl, null, mum);
        Assert.Null((await Api.Get<ConsentJurisdictionView>(JurisdictionUrl, world.Leader)).Jurisdiction);
    }

    [Fact]
    public async Task staff_set_a_birth_date_that_only_staff_read_back_and_a_repeat_records_nothing()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);

        await Api.SetBirthDate(world.Teacher, student, "2016-05-17");
        await Api.SetBirthDate(world.Leader, student, "2016-05-17");

        Assert.Equal("2016-05-17", (await Api.Consents(world.Teacher, student)).BirthDate);
        Assert.Equal("2016-05-17", (await Api.Consents(world.Dpo, student)).BirthDate);
        Assert.Null((await Api.Consents(mum, student)).BirthDate);
        Assert.Null((await Api.Consents(world.Teacher, student)).StudentDecidesFrom); // no jurisdiction chosen yet
        Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentBirthDateRecorded>());

        await Api.SetBirthDate(world.Leader, student, "2016-05-18");
        Assert.Equal("2016-05-18", (await Api.Consents(world.Teacher, student)).BirthDate);
        Assert.Equal(2, (await Store.StreamEvents(world.SchoolId, student)).OfType<StudentBirthDateRecorded>().Count());
    }

    [Fact]
    public async Task a_bad_birth_date_is_a_400_naming_it_other_roles_and_classes_are_refused_and_nothing_commits()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Other Teacher");
        var url = $"/api/students/{student}/birth-date";
        var before = (await Store.StreamEvents(world.SchoolId, student)).Count;
        var tomorrow = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime).AddDays(2).ToString("yyyy-MM-dd");

        foreach (var bad in new[] { null, "17/05/2016", "2016-02-30", tomorrow, "1950-01-01" })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new SetBirthDate(bad), world.Teacher);
            Assert.True(problem.Errors?.ContainsKey("birthDate"), problem.Detail);
            if (bad is not null) Assert.DoesNotContain(bad, problem.Detail ?? "");
        }

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, url, new SetBirthDate("2016-05-17"), mum);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, url, new SetBirthDate("2016-05-17"), world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, url, new SetBirthDate("2016-05-17"), otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/students/{Guid.NewGuid()}/birth-date", new SetBirthDate("2016-05-17"), world.Teacher);
        Assert.Equal(before, (await Store.StreamEvents(world.SchoolId, student)).Count);
    }
}
