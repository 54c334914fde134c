using ClassComms.Platform;
using Marten;
using Microsoft.Extensions.Options;

namespace ClassComms.Rectification;

public static class RectificationConfiguration
{
    public static void ConfigureRectification(this StoreOptions opts) =>
        opts.Schema.For<EmailChange>().SingleTenanted().Index(c => c.TokenHash!).Index(c => c.LoginId);

    public static IServiceCollection AddRectification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailChangeOptions>().Bind(configuration.GetSection(EmailChangeOptions.Section));
        services.AddMailSender<EmailChangeMail, SmtpEmailChangeSender>(
            sp => sp.GetRequiredService<IOptions<EmailChangeOptions>>().Value.OutboxPath, "Rectification:Email:OutboxPath");
        services.AddMailSender<EmailChangedNotice, SmtpEmailChangedNoticeSender>(
            sp => sp.GetRequiredService<IOptions<EmailChangeOptions>>().Value.NoticeOutboxPath, "Rectification:Email:NoticeOutboxPath");
        return services;
    }
}
