using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Points;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClassComms.Tests.Points;

/// <summary>The award's pure decisions (<see cref="AwardPointsEndpoint.RequestProblem"/>, <see cref="AwardPointsEndpoint.Target"/>),
/// tested without a host or a database; the endpoint's tests cover the shell around them.</summary>
public sealed class when_deciding_an_award
{
    private static readonly Guid School = Guid.CreateVersion7();
    private static readonly Guid Teacher = Guid.CreateVersion7();
    private static readonly Guid Alice = Guid.CreateVersion7();
    private static readonly Guid Bob = Guid.CreateVersion7();
    private static readonly ClassSkill Kindness = new(Guid.CreateVersion7(), new Sealed(School, "skill.name", "x"), true, 1);

    private static readonly SchoolClass Class = new(Guid.CreateVersion7(), Teacher, new Sealed(School, "class.name", "x"),
        [Kindness], [Alice, Bob], DateTimeOffset.UnixEpoch);

    private static readonly Caller TheTeacher = new(Teacher, School, Role.Teacher);

    private static int Status(IResult? result) => ((IStatusCodeHttpResult)result!).StatusCode!.Value;

    private static IEnumerable<string> Fields(IResult? result) =>
        ((HttpValidationProblemDetails)((ProblemHttpResult)result!).ProblemDetails).Errors.Keys;

    [Fact]
    public void a_valid_request_has_no_problem() =>
        Assert.Null(AwardPointsEndpoint.RequestProblem(new AwardPoints(Kindness.Id, [Alice], false, "Well done")));

    [Theory]
    [InlineData(false, 0, false, "studentIds")] // nobody named, not the whole class
    [InlineData(true, 1, false, "studentIds")]  // both a list and the whole class
    [InlineData(false, 1, true, "skillId")]     // no skill
    public void an_incomplete_or_contradictory_request_is_a_400_naming_the_field(bool wholeClass, int listed, bool noSkill, string field)
    {
        var request = new AwardPoints(noSkill ? Guid.Empty : Kindness.Id, [.. new[] { Alice }.Take(listed)], wholeClass, null);
        var problem = AwardPointsEndpoint.RequestProblem(request);
        Assert.Equal(400, Status(problem));
        Assert.Contains(field, Fields(problem));
    }

    [Fact]
    public void a_repeated_or_empty_student_and_an_overlong_note_are_each_named()
    {
        var problem = AwardPointsEndpoint.RequestProblem(
            new AwardPoints(Kindness.Id, [Alice, Alice, Guid.Empty], false, new string('x', AwardPointsEndpoint.MaxNoteLength + 1)));
        Assert.Equal(["note", "studentIds"], Fields(problem).Order());
    }

    [Fact]
    public void the_whole_class_means_every_student_on_the_roster()
    {
        var target = AwardPointsEndpoint.Target(new AwardPoints(Kindness.Id, null, true, null), TheTeacher, Class);
        Assert.Null(target.Problem);
        Assert.Equal(Kindness, target.Skill);
        Assert.Equal([Alice, Bob], target.StudentIds);
    }

    [Fact]
    public void another_teachers_class_or_an_unknown_one_is_a_404_and_a_leader_may_award()
    {
        var other = new Caller(Guid.CreateVersion7(), School, Role.Teacher);
        Assert.Equal(404, Status(AwardPointsEndpoint.Target(new AwardPoints(Kindness.Id, [Alice], false, null), other, Class).Problem));
        Assert.Equal(404, Status(AwardPointsEndpoint.Target(new AwardPoints(Kindness.Id, [Alice], false, null), TheTeacher, null).Problem));
        var leader = new Caller(Guid.CreateVersion7(), School, Role.Leader);
        Assert.Null(AwardPointsEndpoint.Target(new AwardPoints(Kindness.Id, [Alice], false, null), leader, Class).Problem);
    }

    [Fact]
    public void a_skill_of_another_class_a_student_of_another_class_and_an_empty_class_are_400s()
    {
        Assert.Contains("skillId", Fields(AwardPointsEndpoint.Target(
            new AwardPoints(Guid.CreateVersion7(), [Alice], false, null), TheTeacher, Class).Problem));
        Assert.Contains("studentIds", Fields(AwardPointsEndpoint.Target(
            new AwardPoints(Kindness.Id, [Alice, Guid.CreateVersion7()], false, null), TheTeacher, Class).Problem));
        Assert.Contains("wholeClass", Fields(AwardPointsEndpoint.Target(
            new AwardPoints(Kindness.Id, null, true, null), TheTeacher, Class with { StudentIds = [] }).Problem));
    }
}
