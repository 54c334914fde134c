using System.Threading.RateLimiting;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassComms.Guardians;

public static class GuardiansConfiguration
{
    public const string RedemptionPolicy = "parent-code-redemption";

    public static void ConfigureGuardians(this StoreOptions opts)
    {
        // (StudentId, Sequence): a feed page is the children's entries after a cursor, in Sequence order.
        opts.Schema.For<FeedEntry>().MultiTenanted().Index([x => x.StudentId, x => x.Sequence]).Index(x => x.Sequence);
        opts.Projections.Add(new FeedProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<PendingRegistration>().SingleTenanted().Index(x => x.TokenHash!);
    }

    /// <summary>Parent-code redemption is rate-limited per signed-in user, or per client address when anonymous.</summary>
    public static IServiceCollection AddGuardians(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ParentCodeOptions>().Bind(configuration.GetSection(ParentCodeOptions.Section));
        services.AddSingleton<ParentCodeRedemption>();
        services.AddOptions<RegistrationOptions>().Bind(configuration.GetSection(RegistrationOptions.Section));
        services.AddMailSender<RegistrationMail, SmtpRegistrationMailSender>(
            sp => sp.GetRequiredService<IOptions<RegistrationOptions>>().Value.OutboxPath, "Guardians:Registration:OutboxPath");
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await ProblemWriting.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many attempts.",
                    "Wait a minute before trying another code.");
            };
            limiter.AddPolicy(RedemptionPolicy, http =>
            {
                var caller = Caller.From(http.User);
                var key = caller is not null ? $"user:{caller.UserId}" : $"ip:{http.Connection.RemoteIpAddress}";
                var perMinute = http.RequestServices.GetRequiredService<IOptions<ParentCodeOptions>>().Value.RedemptionsPerMinute;
                // One counter for every node when Redis is configured (Platform/ClusterRateLimits.cs); per node otherwise.
                return ClusterRateLimits.FixedWindow(http, RedemptionPolicy, key, perMinute, TimeSpan.FromMinutes(1));
            });
        });
        return services;
    }
}
