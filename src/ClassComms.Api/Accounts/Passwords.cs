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
    public const string HashesInstrument = "classcomms.auth.password_hashes";

    private static readonly PasswordHasher<LoginAccount> Hasher = new();
    private static readonly LoginAccount Nobody = new();
    private static readonly string DummyHash = Hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Verifications =
        Meter.CreateCounter<long>(VerificationsInstrument, description: "Password hash verifications, real or dummy (one per check).");

    private static readonly Counter<long> Hashes = Meter.CreateCounter<long>(HashesInstrument, description: "New password hashes computed.");

    public static string Hash(LoginAccount account, string password)
    {
        Hashes.Add(1);
        return Hasher.HashPassword(account, password);
    }

    /// <summary>True only for a live login whose password matches; costs one hash verification whatever the login.</summary>
    public static bool Verify(LoginAccount? account, string password)
    {
        var usable = account is { ErasedAt: null, PasswordHash.Length: > 0 };
        var result = Hasher.VerifyHashedPassword(account ?? Nobody, usable ? account!.PasswordHash : DummyHash, password);
        Verifications.Add(1);
        return usable && result != PasswordVerificationResult.Failed;
    }
}
