namespace ClassComms.Platform;

/// <summary>Ids arrive as route strings so a malformed one is a 400 naming the field, not a 404 or a 500.</summary>
public static class Ids
{
    public static bool TryParse(string? raw, string field, out Guid id, out IResult? problem)
    {
        if (Guid.TryParse(raw, out id) && id != Guid.Empty)
        {
            problem = null;
            return true;
        }

        problem = Problems.Invalid(field, "must be a non-empty GUID.");
        return false;
    }

    /// <summary>The Marten tenant id of a school: the same text as the token's school claim.</summary>
    public static string Tenant(Guid schoolId) => schoolId.ToString("D");
}
