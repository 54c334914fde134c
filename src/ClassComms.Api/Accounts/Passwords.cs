using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace ClassComms.Accounts;

/// <summary>
/// Password hashing (ASP.NET Core Identity's PBKDF2). Every check runs one hash verification, also for an unknown
/// or erased account (against a dummy hash), so the time of an answer does not tell whether an e-mail has an account.
/// </summary>
public static class Passwords
{
    public const string MeterName = "ClassComms.Accounts";
    public const string VerificationsInstrument = "classcomms.auth.password_verifications";

    private static readonly PasswordHasher<UserAccount> Hasher = new();
    private static readonly UserAccount Nobody = new();
    private static readonly string DummyHash = Hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Verifications =
        Meter.CreateCounter<long>(VerificationsInstrument, description: "Password hash verifications, real or dummy (one per check).");

    public static string Hash(UserAccount account, string password) => Hasher.HashPassword(account, password);

    /// <summary>True only for a live account whose password matches; costs one hash verification whatever the account.</summary>
    public static bool Verify(UserAccount? account, string password)
    {
        var usable = account is { ErasedAt: null, PasswordHash.Length: > 0 };
        var result = Hasher.VerifyHashedPassword(account ?? Nobody, usable ? account!.PasswordHash : DummyHash, password);
        Verifications.Add(1);
        return usable && result != PasswordVerificationResult.Failed;
    }
}
