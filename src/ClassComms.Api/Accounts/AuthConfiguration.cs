using ClassComms.Notifications;
using ClassComms.Platform;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ClassComms.Accounts;

public static class AuthConfiguration
{
    /// <summary>JWT bearer (also from <c>access_token</c> on the hub path, for WebSockets); claims kept as issued.</summary>
    public static IServiceCollection AddClassCommsAuth(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = auth.Value.Key(),
                    NameClaimType = Caller.SubjectClaim,
                    RoleClaimType = Caller.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments(NotificationHub.Path))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    // Per request: account not erased, same security stamp, session not revoked (cached briefly).
                    OnTokenValidated = async context =>
                    {
                        var services = context.HttpContext.RequestServices;
                        if (!await services.GetRequiredService<SessionValidator>().IsValidAsync(context.Principal!,
                                services.GetRequiredService<Marten.IDocumentStore>(), context.HttpContext.RequestAborted))
                        {
                            context.Fail("The session has ended.");
                        }
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }
}
