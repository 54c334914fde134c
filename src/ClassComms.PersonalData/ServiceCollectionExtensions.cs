using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.PersonalData;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the vault, its key store and the blind index, bound to the <c>PersonalData</c> section.</summary>
    public static IServiceCollection AddPersonalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalDataOptions>()
            .Bind(configuration.GetSection(PersonalDataOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.MasterKey), "PersonalData:MasterKey is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.LookupKey), "PersonalData:LookupKey is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.KeyStoreConnectionString), "PersonalData:KeyStoreConnectionString is required.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SubjectKeyStore>();
        services.AddSingleton<PersonalDataVault>();
        services.AddSingleton<BlindIndex>();
        return services;
    }
}
