using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ClassComms.Accounts;

/// <summary>
/// Password hashing (ASP.NET Core Identity's PBKDF2-HMAC-SHA512). Every check runs one hash verification, also for an unknown
/// or erased account (against a dummy hash made with the same cost), so the time of an answer does not tell whether an e-mail has
/// an account. New hashes use <see cref="AuthOptions.PasswordHashIterations"/> (default and Production minimum
/// <see cref="AuthOptions.DefaultPasswordHashIterations"/>); a stored hash carries its own count, so changing the setting never
/// locks anyone out.
/// </summary>
public sealed class Passwords
{
    public const string MeterName = "ClassComms.Accounts";
    public const string VerificationsInstrument = "classcomms.auth.password_verifications";
    public const string HashesInstrument = "classcomms.auth.password_hashes";

    private static readonly LoginAccount Nobody = new();
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Verifications =
        Meter.CreateCounter<long>(VerificationsInstrument, description: "Password hash verifications, real or dummy (one per check).");

    private static readonly Counter<long> Hashes = Meter.CreateCounter<long>(HashesInstrument, description: "New password hashes computed.");

    private readonly PasswordHasher<LoginAccount> _hasher;
    private readonly string _dummyHash;

    public Passwords(IOptions<AuthOptions> options)
    {
        _hasher = new PasswordHasher<LoginAccount>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.PasswordHashIterations,
        }));
        _dummyHash = _hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    public string Hash(LoginAccount account, string password)
    {
        Hashes.Add(1);
        return _hasher.HashPassword(account, password);
    }

    /// <summary>True only for a live login whose password matches; costs one hash verification whatever the login.</summary>
    public bool Verify(LoginAccount? account, string password)
    {
        var usable = account is { ErasedAt: null, PasswordHash.Length: > 0 };
        var result = _hasher.VerifyHashedPassword(account ?? Nobody, usable ? account!.PasswordHash : _dummyHash, password);
        Verifications.Add(1);
        return usable && result != PasswordVerificationResult.Failed;
    }

    /// <summary>The PBKDF2 iteration count a stored hash (Identity V3 format) was made with.</summary>
    public static int IterationsOf(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return bytes.Length >= 9 && bytes[0] == 0x01
            ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(5, 4))
            : throw new FormatException("Not an Identity V3 password hash.");
    }
}
