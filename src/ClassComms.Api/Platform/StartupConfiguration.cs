using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CommandLine.Descriptions;
using JasperFx.Resources;
using Marten;

namespace ClassComms.Platform;

/// <summary>
/// How the service starts, per environment (<c>Startup</c> section, each value overridable):
/// <list type="bullet">
/// <item><c>Startup:GeneratedCode</c> — Wolverine's handler and endpoint code: <c>Dynamic</c> (generated and compiled with
/// Roslyn at start) in Development and Testing; <c>Static</c> elsewhere: the types must have been generated before the
/// build (<c>codegen write</c>, done by <c>infra/publish.sh</c> and the Dockerfile), and a start without them fails.</item>
/// <item><c>Startup:ApplySchemaChanges</c> — true in Development and Testing: every resource (Marten, Wolverine's envelope
/// tables, the key table, the Blob containers) is created or updated at start. False elsewhere: nothing is changed at
/// start; the start fails if Marten's schema or ClassComms' own storage does not match, and the operator applies changes
/// with <c>resources setup</c> (the migration step).</item>
/// </list>
/// </summary>
public static class StartupConfiguration
{
    public const string TestingEnvironment = "Testing";

    public static WebApplicationBuilder AddClassCommsStartup(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment(TestingEnvironment);
        var section = builder.Configuration.GetSection("Startup");
        var generatedCode = section.GetValue<TypeLoadMode?>("GeneratedCode") ?? (development ? TypeLoadMode.Dynamic : TypeLoadMode.Static);
        var applySchemaChanges = section.GetValue<bool?>("ApplySchemaChanges") ?? development;

        // One decision for every Critter Stack tool, whichever of JasperFx's two profiles is active.
        builder.Services.CritterStackDefaults(x =>
        {
            foreach (var profile in new[] { x.Development, x.Production })
            {
                profile.GeneratedCodeMode = generatedCode;
                profile.ResourceAutoCreate = applySchemaChanges ? AutoCreate.CreateOrUpdate : AutoCreate.None;
                // Never write generated code into the source tree while running: stale files would be compiled in.
                profile.SourceCodeWritingEnabled = false;
                profile.AssertAllPreGeneratedTypesExist = generatedCode == TypeLoadMode.Static;
            }
        });

        builder.Services.AddSingleton<ClassCommsStorage>();
        builder.Services.AddSingleton<ISystemPart>(sp => sp.GetRequiredService<ClassCommsStorage>());
        if (applySchemaChanges)
        {
            builder.Services.AddResourceSetupOnStartup();
        }
        else
        {
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StorageCheckAtStartup>());
        }

        return builder;
    }
}

/// <summary>
/// Where schema changes are not applied at start, the start fails if Marten's schema differs from the configuration or
/// ClassComms' own storage is missing: the operator runs <c>resources setup</c> first.
/// </summary>
public sealed class StorageCheckAtStartup(IDocumentStore store, ClassCommsStorage storage) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException("The database schema does not match this version: run `resources setup` (see README).", e);
        }

        foreach (var resource in storage.Resources) await resource.Check(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
