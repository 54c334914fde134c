using ClassComms.PersonalData;

namespace ClassComms.Points;

// Point events live on the student's stream. They carry the non-personal facts (skill, value, dates) that
// class statistics keep after erasure; the optional note to the family is sealed with the student's key and, since retention by
// key destruction (Retention/RetentionKeys.cs), also with the school's points key of the month (RetentionKey, null on points
// awarded before): destroying either shreds it. The skill name is the class's sealed one, copied as is (school key, bound to the skill id).

public sealed record PointAwarded(
    Guid StudentId,
    Guid AwardedBy,
    Guid PointId,
    Guid AwardId,
    Guid ClassId,
    Guid SkillId,
    Sealed SkillName,
    bool Positive,
    int Value,
    Sealed? Note,
    DateTimeOffset At,
    Guid? RetentionKey = null);

public sealed record PointRemoved(
    Guid StudentId,
    Guid RemovedBy,
    Guid PointId,
    Guid AwardId,
    Guid ClassId,
    Guid SkillId,
    bool Positive,
    int Value,
    DateTimeOffset At);
