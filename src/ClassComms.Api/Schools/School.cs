using ClassComms.PersonalData;

namespace ClassComms.Schools;

/// <summary>
/// A school is a tenant: its id (N format) is the Marten tenant id of everything it owns. Its name is staff-typed text, sealed
/// under the school's own key and bound to the school id (<see cref="SchoolText"/>).
/// </summary>
public sealed class School
{
    public Guid Id { get; set; }
    public Sealed? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>IANA time zone in which quiet hours are read.</summary>
    public string TimeZone { get; set; } = "America/Toronto";

    /// <summary>Quiet hours for staff who have not set their own; null = none.</summary>
    public Notifications.QuietHours? DefaultQuietHours { get; set; }

    /// <summary>Code of the jurisdiction whose age of consent applies (<see cref="Consents.ConsentOptions"/>); null = none chosen yet.</summary>
    public string? ConsentJurisdiction { get; set; }

    /// <summary>Code of the law setting subject-request deadlines (<see cref="Dpo.RequestDeadlines"/>); null = the default for the jurisdiction.</summary>
    public string? PrivacyRegime { get; set; }

    /// <summary>The name for a reader; null once the school's key is destroyed.</summary>
    public ValueTask<string?> NameAsync(PersonalDataVault vault, CancellationToken ct) => vault.OpenAsync(Name, Id, ct);
}

public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>Key of the platform operator who provisions schools (header <c>X-Operator-Key</c>).</summary>
    public string OperatorKey { get; set; } = "";
}
