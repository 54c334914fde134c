namespace ClassComms.Schools;

/// <summary>A school is a tenant: its id (N format) is the Marten tenant id of everything it owns.</summary>
public sealed class School
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>IANA time zone in which quiet hours are read.</summary>
    public string TimeZone { get; set; } = "America/Toronto";

    /// <summary>Quiet hours for staff who have not set their own; null = none.</summary>
    public Notifications.QuietHours? DefaultQuietHours { get; set; }
}

public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>Key of the platform operator who provisions schools (header <c>X-Operator-Key</c>).</summary>
    public string OperatorKey { get; set; } = "";
}
