using ClassComms.Audience;
using ClassComms.Consents;
using ClassComms.Platform;
using ClassComms.Students;
using Microsoft.AspNetCore.Http;

namespace ClassComms.Tests.Consents;

/// <summary>The consent rules as a table, without a host: <see cref="ChangeConsentEndpoint.Decide"/> and the snapshot's answers.</summary>
public sealed class when_deciding_a_consent_change
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly Guid Mum = Guid.NewGuid();
    private static readonly Guid RestrictedDad = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Guid StudentId = Guid.NewGuid();
    private static readonly Guid ClassId = Guid.NewGuid();

    private static Student NewStudent() => Student.Create(new StudentEnrolled(StudentId, Guid.NewGuid(), ClassId, null!, Now));

    /// <summary>The access documents (Audience) of the guardians and of the student's own account.</summary>
    private static AudienceAccess Access(Guid id, string kind, bool restricted = false, Guid? studentId = null) =>
        AudienceAccess.Empty(id, kind).WithChildren([new AudienceChild(studentId ?? StudentId, ClassId, restricted, Now, restricted ? Now : null, [])]);

    private static readonly AudienceAccess MumsAccess = Access(Mum, AudienceKinds.Guardian);
    private static readonly AudienceAccess DadsAccess = Access(RestrictedDad, AudienceKinds.Guardian, restricted: true);
    private static readonly Guid StudentAccount = Guid.NewGuid();
    private static readonly AudienceAccess OwnAccount = Access(StudentAccount, AudienceKinds.Student);
    private static readonly AudienceAccess OtherStudentsAccount = Access(Guid.NewGuid(), AudienceKinds.Student, studentId: Guid.NewGuid());

    private static Caller As(Role role, Guid? id = null) => new(id ?? Guid.NewGuid(), School, role);

    private static ChangeConsent Give(string purpose = ConsentPurposes.ClassStoryMedia) => new(purpose, true, null);

    private static int? Status(ConsentDecision decision) => (decision.Problem as IStatusCodeHttpResult)?.StatusCode;

    public static TheoryData<string, Role, bool, bool, bool, int?, ConsentSource?> Table => new()
    {
        // who, role, teaches the class, is the student, student decides (age of consent) → status, source recorded
        { "linked guardian, before the age", Role.Guardian, false, false, false, null, ConsentSource.Guardian },
        { "linked guardian, from the age", Role.Guardian, false, false, true, 409, null },
        { "class teacher, before the age", Role.Teacher, true, false, false, null, ConsentSource.PaperForm },
        { "class teacher, from the age (the student's form)", Role.Teacher, true, false, true, null, ConsentSource.PaperForm },
        { "teacher of another class", Role.Teacher, false, false, false, 404, null },
        { "leader", Role.Leader, true, false, false, null, ConsentSource.PaperForm },
        { "the student, from the age", Role.Student, false, true, true, null, ConsentSource.Student },
        { "the student, before the age", Role.Student, false, true, false, 409, null },
        { "another student", Role.Student, false, false, true, 404, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void who_may_change_a_consent(string who, Role role, bool teaches, bool isTheStudent, bool studentDecides, int? status,
        ConsentSource? source)
    {
        var caller = role switch { Role.Guardian => As(role, Mum), Role.Student when isTheStudent => As(role, StudentAccount), _ => As(role) };
        var access = role switch
        {
            Role.Guardian => MumsAccess,
            Role.Student => isTheStudent ? OwnAccount : OtherStudentsAccount,
            _ => null,
        };
        var decision = ChangeConsentEndpoint.Decide(Give(), caller, new ConsentContext(NewStudent(), teaches, access, studentDecides));

        Assert.True(status == Status(decision), $"{who}: expected {status}, got {Status(decision)}");
        if (source is not null)
        {
            Assert.True(decision.Record, who);
            Assert.Equal(source, decision.Source);
        }
    }

    [Fact]
    public void a_restricted_guardian_an_unknown_student_and_an_erased_student_are_refused()
    {
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, RestrictedDad), new(NewStudent(), false, DadsAccess, false))));
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, Mum), new(NewStudent(), false, null, false))));
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, Mum), new(null, false, MumsAccess, false))));
        // A student account's document does not make a guardian of it, nor a guardian's a student.
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, Mum), new(NewStudent(), false, OwnAccount, false))));
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Student), new(NewStudent(), false, MumsAccess, true))));
        var erased = NewStudent().Apply(new StudentErased(StudentId, Guid.NewGuid(), Now));
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, Mum), new(erased, false, MumsAccess, false))));
        Assert.Equal(410, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Leader), new(erased, true, null, false))));
        Assert.Equal(404, Status(ChangeConsentEndpoint.Decide(Give(), As(Role.Student, StudentAccount), new(erased, false, OwnAccount, true))));
    }

    [Fact]
    public void a_repeat_records_nothing_except_the_students_answer_to_a_reasked_consent()
    {
        var student = NewStudent().Apply(new ConsentGiven(Guid.Empty, ConsentPurposes.ClassStoryMedia, Mum, ConsentSource.Guardian, null, Now));
        Assert.False(ChangeConsentEndpoint.Decide(Give(), As(Role.Guardian, Mum), new(student, false, MumsAccess, false)).Record);
        Assert.True(ChangeConsentEndpoint.Decide(new ChangeConsent(ConsentPurposes.ClassStoryMedia, false, null), As(Role.Guardian, Mum),
            new(student, false, MumsAccess, false)).Record);

        var ofAge = student.Apply(new StudentReachedAgeOfConsent(Guid.Empty, "CA-QC", 14, [ConsentPurposes.ClassStoryMedia], Now));
        Assert.True(ofAge.HasConsent(ConsentPurposes.ClassStoryMedia)); // stays in force until the student answers
        Assert.Equal([ConsentPurposes.ClassStoryMedia], ofAge.ConsentsAwaitingStudent);
        var confirm = ChangeConsentEndpoint.Decide(Give(), As(Role.Student, StudentAccount), new(ofAge, false, OwnAccount, true));
        Assert.True(confirm.Record);
        Assert.Equal(ConsentSource.Student, confirm.Source);

        var confirmed = ofAge.Apply(new ConsentGiven(Guid.Empty, ConsentPurposes.ClassStoryMedia, Guid.NewGuid(), ConsentSource.Student, null, Now));
        Assert.Empty(confirmed.ConsentsAwaitingStudent);
        Assert.True(confirmed.HasConsent(ConsentPurposes.ClassStoryMedia));
        Assert.False(ChangeConsentEndpoint.Decide(Give(), As(Role.Student, StudentAccount), new(confirmed, false, OwnAccount, true)).Record);

        var withdrawn = ofAge.Apply(new ConsentWithdrawn(Guid.Empty, ConsentPurposes.ClassStoryMedia, Guid.NewGuid(), ConsentSource.Student, null, Now));
        Assert.Empty(withdrawn.ConsentsAwaitingStudent);
        Assert.False(withdrawn.HasConsent(ConsentPurposes.ClassStoryMedia));
    }

    [Fact]
    public void the_request_is_checked_before_anything_is_read()
    {
        static IDictionary<string, string[]>? Errors(IResult? result) => (result as IValueHttpResult)?.Value switch
        {
            HttpValidationProblemDetails p => p.Errors,
            _ => null,
        };

        Assert.Equal(403, (ChangeConsentEndpoint.RequestProblem(Give(), As(Role.Dpo)) as IStatusCodeHttpResult)?.StatusCode);
        Assert.Contains("purpose", Errors(ChangeConsentEndpoint.RequestProblem(Give("faceRecognition"), As(Role.Guardian)))!.Keys);
        Assert.Contains("given", Errors(ChangeConsentEndpoint.RequestProblem(new(ConsentPurposes.ClassStoryMedia, null, null), As(Role.Guardian)))!.Keys);
        Assert.Contains("evidence", Errors(ChangeConsentEndpoint.RequestProblem(Give(), As(Role.Teacher)))!.Keys);
        Assert.Contains("evidence", Errors(ChangeConsentEndpoint.RequestProblem(new(ConsentPurposes.ClassStoryMedia, true, "x"), As(Role.Student)))!.Keys);
        Assert.Null(ChangeConsentEndpoint.RequestProblem(new(ConsentPurposes.ClassStoryMedia, false, "form 7"), As(Role.Leader)));
    }

    [Fact]
    public void the_age_of_consent_begins_at_midnight_of_the_birthday_in_the_school_time_zone()
    {
        var toronto = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.FromHours(-4)), AgeOfConsent.Birthday(new DateOnly(2012, 3, 14), 14, toronto));
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 0, 0, 0, TimeSpan.Zero), AgeOfConsent.Birthday(new DateOnly(2012, 2, 29), 15, TimeZoneInfo.Utc));
    }

    [Fact]
    public void the_consents_reasked_are_those_standing_that_are_not_the_students_own_answer()
    {
        var birthday = Now;
        var student = NewStudent();
        object[] history =
        [
            new ConsentGiven(Guid.Empty, ConsentPurposes.ClassStoryMedia, Mum, ConsentSource.Guardian, null, birthday.AddDays(-30)),
            new ConsentGiven(Guid.Empty, ConsentPurposes.SchoolStoryMedia, Mum, ConsentSource.Guardian, null, birthday.AddDays(-20)),
            new ConsentWithdrawn(Guid.Empty, ConsentPurposes.SchoolStoryMedia, Mum, ConsentSource.Guardian, null, birthday.AddDays(-10)),
            new ConsentGiven(Guid.Empty, ConsentPurposes.SchoolStoryMedia, Guid.NewGuid(), ConsentSource.PaperForm, null, birthday.AddHours(1)),
            new ConsentGiven(Guid.Empty, ConsentPurposes.PortfolioSharing, Mum, ConsentSource.Guardian, null, birthday.AddDays(30)),
        ];
        foreach (var e in history)
        {
            student = e switch
            {
                ConsentGiven g => student.Apply(g),
                ConsentWithdrawn w => student.Apply(w),
                _ => student,
            };
        }

        // A guardian's consent, before the birthday or after it (a birth date recorded late), is re-asked; a form recorded after the birthday is the student's.
        Assert.Equal([ConsentPurposes.ClassStoryMedia, ConsentPurposes.PortfolioSharing], ReachAgeOfConsentHandler.Reasked(student, history, birthday));
    }
}
