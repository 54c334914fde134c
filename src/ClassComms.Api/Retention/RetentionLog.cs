namespace ClassComms.Retention;

// Events of a school's retention log (stream id = RetentionKeys.LogId(school id)). Ids and counts only.

/// <summary>The DPO changed the school's retention policy (the whole policy after the change).</summary>
public sealed record RetentionPolicyChanged(Guid SchoolId, Guid ChangedBy, RetentionPolicy Policy, DateTimeOffset At);

/// <summary>What one retention run did: the plan it carried out (<see cref="RetentionPlan"/>); ids and counts only.</summary>
public sealed record RetentionRunRecorded(Guid RunId, Guid RunBy, string Trigger, RetentionPlan Plan)
{
    public Guid SchoolId => Plan.SchoolId;

    public DateTimeOffset At => Plan.At;
}

/// <summary>
/// A school's retention policy: feedback points (months; shredded by destroying month keys), student accounts without
/// activity (months; erased), exports (days; expired), access log entries (months; removed behind a signed anchor, AccessLog/AccessLogRetention.cs).
/// Defaults are the DPIA's; the access log's 36 months is ours (README, "Access log: retention"). A policy recorded before the access log
/// had a period reads with the default.
/// </summary>
public sealed record RetentionPolicy(int PointsMonths, int InactiveStudentMonths, int ExportDays, int AccessLogMonths = RetentionPolicy.DefaultAccessLogMonths)
{
    public const int DefaultAccessLogMonths = 36;

    public static readonly RetentionPolicy Default = new(12, 12, 30);
}

/// <summary>The school's retention log (inline snapshot): the policy in force and when it last ran.</summary>
public sealed record RetentionLog(Guid Id, Guid SchoolId, RetentionPolicy? Policy, Guid? PolicyChangedBy, DateTimeOffset? PolicyChangedAt,
    DateTimeOffset? LastRunAt, int Runs)
{
    public RetentionPolicy PolicyInForce => Policy ?? RetentionPolicy.Default;

    public static RetentionLog Create(RetentionPolicyChanged e) =>
        new(RetentionKeys.LogId(e.SchoolId), e.SchoolId, e.Policy, e.ChangedBy, e.At, null, 0);

    public static RetentionLog Create(RetentionRunRecorded e) =>
        new(RetentionKeys.LogId(e.SchoolId), e.SchoolId, null, null, null, e.At, 1);

    public RetentionLog Apply(RetentionPolicyChanged e) => this with { Policy = e.Policy, PolicyChangedBy = e.ChangedBy, PolicyChangedAt = e.At };

    public RetentionLog Apply(RetentionRunRecorded e) => this with { LastRunAt = e.At, Runs = Runs + 1 };
}
