using System.Globalization;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Microsoft.Extensions.Options;

namespace ClassComms.Consents;

/// <summary>
/// The age from which a student's own consent counts, per jurisdiction (<c>Consents:AgesOfConsent:{code}</c> adds or overrides one).
/// Defaults: Quebec (Law 25, art. 4.1) 14; the EU member states' ages under GDPR art. 8 (13 to 16). A school chooses its jurisdiction
/// (<see cref="School.ConsentJurisdiction"/>); until it does, no age of consent applies and the guardians decide.
/// The school's DPO should check the table against the law that applies to its own processing.
/// </summary>
public sealed class ConsentOptions
{
    public const string Section = "Consents";

    public Dictionary<string, int> AgesOfConsent { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CA-QC"] = 14,
        ["AT"] = 14, ["BE"] = 13, ["BG"] = 14, ["HR"] = 16, ["CY"] = 14, ["CZ"] = 15, ["DK"] = 13, ["EE"] = 13, ["FI"] = 13,
        ["FR"] = 15, ["DE"] = 16, ["GR"] = 15, ["HU"] = 16, ["IE"] = 16, ["IT"] = 14, ["LV"] = 13, ["LT"] = 14, ["LU"] = 16,
        ["MT"] = 13, ["NL"] = 16, ["PL"] = 16, ["PT"] = 13, ["RO"] = 16, ["SK"] = 16, ["SI"] = 15, ["ES"] = 14, ["SE"] = 13,
    };

    /// <summary>How often <see cref="AgeOfConsentSweep"/> looks for birthdays that have passed (<c>Consents:AgeOfConsentSweepInterval</c>).</summary>
    public TimeSpan AgeOfConsentSweepInterval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>The age-of-consent rules: pure date arithmetic, and the one answer to "does the student decide now?".</summary>
public sealed class AgeOfConsent(IOptions<ConsentOptions> options, PersonalDataVault vault)
{
    public const string BirthDateField = "student.birthDate";
    public const string BirthDateFormat = "yyyy-MM-dd";

    public IReadOnlyDictionary<string, int> Table => options.Value.AgesOfConsent;

    /// <summary>The jurisdiction's code as the table spells it, and its age; null when the code is not in the table (or null).</summary>
    public (string Code, int Age)? Of(string? jurisdiction)
    {
        if (jurisdiction is null) return null;
        var entry = options.Value.AgesOfConsent.FirstOrDefault(e => string.Equals(e.Key, jurisdiction, StringComparison.OrdinalIgnoreCase));
        return entry.Key is null ? null : (entry.Key, entry.Value);
    }

    /// <summary>
    /// The instant the student turns <paramref name="age"/>: midnight of that birthday in the school's time zone. A 29 February birth
    /// date turns 28 February in common years (<see cref="DateOnly.AddYears"/>).
    /// </summary>
    public static DateTimeOffset Birthday(DateOnly birthDate, int age, TimeZoneInfo zone)
    {
        var local = birthDate.AddYears(age).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public static DateOnly? ParseBirthDate(string? text) =>
        DateOnly.TryParseExact(text, BirthDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    public static TimeZoneInfo ZoneOf(School? school) =>
        school is not null && TimeZoneInfo.TryFindSystemTimeZoneById(school.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public async ValueTask<DateOnly?> BirthDateAsync(Student student, CancellationToken ct) =>
        ParseBirthDate(await vault.UnsealAsync(student.BirthDate, ct));

    /// <summary>
    /// When the student reaches (reached) the age of consent of the school's jurisdiction; null without a jurisdiction, a birth date, or
    /// once the birth date no longer opens (erased).
    /// </summary>
    public async ValueTask<DateTimeOffset?> DueAsync(Student student, School? school, CancellationToken ct)
    {
        if (Of(school?.ConsentJurisdiction) is not { } rule || student.BirthDate is null) return null;
        return await BirthDateAsync(student, ct) is { } birthDate ? Birthday(birthDate, rule.Age, ZoneOf(school)) : null;
    }

    /// <summary>
    /// Whether the student's own consent counts now: the scheduled step recorded it, or the birthday has passed and the step has not run
    /// yet (guardians are refused from the birthday itself, not from when the step happens to run).
    /// </summary>
    public async ValueTask<bool> StudentDecidesAsync(Student student, School? school, DateTimeOffset now, CancellationToken ct) =>
        student.AgeOfConsentReachedAt is not null || await DueAsync(student, school, ct) is { } due && due <= now;
}

public static class ConsentsConfiguration
{
    public static IServiceCollection AddConsents(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ConsentOptions>(configuration.GetSection(ConsentOptions.Section));
        services.AddSingleton<AgeOfConsent>();
        services.AddSingleton<AgeOfConsentSweep>();
        services.AddHostedService<AgeOfConsentSweeper>();
        return services;
    }
}
