using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassComms.Accounts;

public static class AccountsConfiguration
{
    public const string LiveMembershipIndex = "mt_doc_useraccount_uidx_live_membership";

    /// <summary>Logins, memberships and schools are global (sign-in finds them before a school is known); every query of a membership filters by school.</summary>
    public static void ConfigureAccounts(this StoreOptions opts)
    {
        opts.Schema.For<LoginAccount>().SingleTenanted().UniqueIndex(a => a.EmailIndex);
        opts.Schema.For<UserAccount>().SingleTenanted().Index(a => a.SchoolId).Index(a => a.LoginId)
            // One live membership per login, school and role: two simultaneous confirmations or links into one school
            // cannot both add one (the loser retries and finds the winner's, see AccountFactory.RetryOnDuplicateAsync).
            // Erased and removed memberships are left out, so a person erased in or removed from a school can join it again.
            .Index([a => a.LoginId, a => a.SchoolId, a => a.Role], index =>
            {
                index.Name = LiveMembershipIndex;
                index.IsUnique = true;
                index.Predicate = "(data ->> 'ErasedAt') is null and (data ->> 'RemovedAt') is null";
            });
        opts.Schema.For<School>().SingleTenanted();
        opts.Schema.For<AuthSession>().SingleTenanted().Index(s => s.UserId).Index(s => s.LoginId);
        opts.Schema.For<RefreshToken>().SingleTenanted().Index(t => t.SessionId).Index(t => t.LoginId);
        opts.Schema.For<PasswordReset>().SingleTenanted().Index(r => r.LoginId);
        opts.Schema.For<StaffInvitation>().SingleTenanted().Index(i => i.TokenHash!);
        opts.Storage.ExtendedSchemaObjects.Add(LoginThrottleStore.SchemaObject());
    }

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.SigningKey.Length >= 32, "Auth:SigningKey must be at least 32 characters.")
            .Validate(o => o.PasswordHashIterations > 0, "Auth:PasswordHashIterations must be positive.")
            .Validate<IHostEnvironment>((o, env) => !env.IsProduction() || o.PasswordHashIterations >= AuthOptions.DefaultPasswordHashIterations,
                $"Auth:PasswordHashIterations below {AuthOptions.DefaultPasswordHashIterations:N0} is not allowed in Production.")
            .ValidateOnStart();
        services.AddSingleton<Passwords>();
        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.Section));
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<AccountFactory>();
        services.AddOptions<LoginThrottleOptions>().Bind(configuration.GetSection(LoginThrottleOptions.Section))
            .Validate(o => o.AccountAttempts > 0 && o.AddressAttempts > 0 && o.FirstBackoff > TimeSpan.Zero && o.MaxBackoff >= o.FirstBackoff,
                "Auth:Throttle needs positive attempt counts and 0 < FirstBackoff <= MaxBackoff.").ValidateOnStart();
        services.AddSingleton<LoginThrottleStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<SessionRevocation>();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<SessionConnections>();
        services.AddSingleton<SessionChanges>();
        services.ConfigureMarten((sp, opts) => opts.Listeners.Add(sp.GetRequiredService<SessionChanges>()));
        services.AddHostedService<SessionBroadcast>();
        services.AddOptions<PasswordResetOptions>().Bind(configuration.GetSection(PasswordResetOptions.Section));
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section))
            .Validate<IHostEnvironment>((o, env) => !env.IsProduction() || o.IsConfigured,
                "Email:Smtp:Host is required in Production (password reset mail); the development outbox is not allowed there.")
            .Validate(o => !o.IsConfigured || (o.Port is > 0 and < 65536 && MailAddressIsValid(o.From)),
                "Email:Smtp needs a Port and a valid From address.")
            .ValidateOnStart();
        services.AddMailSender<PasswordResetMail, SmtpPasswordResetSender>(
            sp => sp.GetRequiredService<IOptions<PasswordResetOptions>>().Value.OutboxPath, "Auth:PasswordReset:OutboxPath");
        services.AddOptions<StaffInvitationOptions>().Bind(configuration.GetSection(StaffInvitationOptions.Section));
        services.AddMailSender<StaffInvitationMail, SmtpStaffInvitationSender>(
            sp => sp.GetRequiredService<IOptions<StaffInvitationOptions>>().Value.OutboxPath, "Staff:Invitation:OutboxPath");
        return services;
    }

    private static bool MailAddressIsValid(string address) => System.Net.Mail.MailAddress.TryCreate(address, out _);
}
