using ClassComms.PersonalData;
using JasperFx.CommandLine;

namespace ClassComms.Privacy;

/// <summary>Actions of <see cref="KeysCommand"/>; lower case because they are typed on the command line as they are.</summary>
public enum KeysAction
{
    rewrap,
}

public sealed class KeysInput : NetCoreInput
{
    [Description("rewrap: rewrap every live data key under the current master key")]
    public KeysAction Action { get; set; } = KeysAction.rewrap;
}

/// <summary>
/// <c>keys rewrap</c>: rewraps every live subject key still wrapped under an older master key with
/// <c>PersonalData:CurrentMasterKeyId</c>, then prints the master keys that still wrap live keys (only the current one
/// once done: the older ones can be removed from configuration and destroyed). A start does the same in the background
/// unless <c>PersonalData:RewrapAtStartup</c> is false.
/// </summary>
[Description("Data-key maintenance: 'keys rewrap' rewraps every live data key under the current master key and lists the master keys still in use")]
public sealed class KeysCommand : JasperFxAsyncCommand<KeysInput>
{
    public KeysCommand()
    {
        Usage("Rewrap the live data keys").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(KeysInput input)
    {
        using var host = input.BuildHost();
        var rewrapped = await host.Services.GetRequiredService<PersonalDataVault>().RewrapAllAsync(CancellationToken.None);
        var inUse = await host.Services.GetRequiredService<SubjectKeyStore>().MasterKeyIdsInUseAsync(CancellationToken.None);
        Console.WriteLine($"keys rewrap: {rewrapped} data keys rewrapped; master keys still wrapping live keys: {string.Join(", ", inUse)}");
        return true;
    }
}
