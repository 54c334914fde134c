namespace ClassComms.Platform;

/// <summary>Id helpers. Route ids are parsed once for every endpoint by <see cref="RouteIdBinding"/>.</summary>
public static class Ids
{
    /// <summary>The Marten tenant id of a school: the same text as the token's school claim.</summary>
    public static string Tenant(Guid schoolId) => schoolId.ToString("D");
}
