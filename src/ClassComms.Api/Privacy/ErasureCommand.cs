using JasperFx.CommandLine;

namespace ClassComms.Privacy;

/// <summary>Actions of <see cref="ErasureCommand"/>; lower case because they are typed on the command line as they are.</summary>
public enum ErasureAction
{
    reapply,
}

public sealed class ErasureInput : NetCoreInput
{
    [Description("reapply: apply every entry of the erasure ledger to the configured database again")]
    public ErasureAction Action { get; set; } = ErasureAction.reapply;
}

/// <summary>
/// <c>erasure reapply</c>: applies the erasure ledger to the configured database again (after a restore) without serving
/// requests, and exits 0 on success. A normal start does the same before it reports ready.
/// </summary>
[Description("Erasure maintenance: 'erasure reapply' applies the erasure ledger to the configured database again (after a restore)")]
public sealed class ErasureCommand : JasperFxAsyncCommand<ErasureInput>
{
    public ErasureCommand()
    {
        Usage("Apply the erasure ledger again").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(ErasureInput input)
    {
        using var host = input.BuildHost();
        var count = await host.Services.GetRequiredService<ErasureReapplication>().ReapplyAllAsync(CancellationToken.None);
        Console.WriteLine($"erasure reapply: {count} ledger entries applied.");
        return true;
    }
}
