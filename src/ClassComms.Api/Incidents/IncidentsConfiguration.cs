using ClassComms.Accounts;
using ClassComms.Platform;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Options;

namespace ClassComms.Incidents;

public static class IncidentsConfiguration
{
    /// <summary>The register: one stream per incident, its snapshot written inline (one school per tenant).</summary>
    public static void ConfigureIncidents(this StoreOptions opts)
    {
        opts.Schema.For<Incident>().MultiTenanted();
        opts.Projections.Snapshot<Incident>(SnapshotLifecycle.Inline);
    }

    /// <summary>The reminders' mail: SMTP when <c>Email:Smtp</c> is configured, else the development outbox <c>Incidents:Reminders:OutboxPath</c>.</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentReminderOptions>().Bind(configuration.GetSection(IncidentReminderOptions.Section));
        services.AddMailSender<IncidentReminderMail, SmtpIncidentReminderSender>(
            sp => sp.GetRequiredService<IOptions<IncidentReminderOptions>>().Value.OutboxPath, "Incidents:Reminders:OutboxPath");
        return services;
    }
}
