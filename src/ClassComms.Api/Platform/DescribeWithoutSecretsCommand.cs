using JasperFx.CommandLine;
using JasperFx.CommandLine.Descriptions;
using Spectre.Console;

namespace ClassComms.Platform;

/// <summary>
/// What <c>describe</c> runs (see <see cref="Redirect"/>): JasperFx's parts (Marten, Wolverine, JasperFx, ClassComms
/// storage...), but the configuration is listed as keys and the provider each comes from, never values: JasperFx's own
/// preview prints every value, master keys, signing key and connection-string passwords included, into a console or CI log.
/// </summary>
[Description("Describes the application (configuration keys without their values, Marten, Wolverine, storage) to the console or a file",
    Name = Name)]
public sealed class DescribeWithoutSecretsCommand : JasperFxAsyncCommand<DescribeInput>
{
    public const string Name = "describe-without-secrets";

    /// <summary>
    /// JasperFx registers its own <c>describe</c> after the application's commands, so it cannot be replaced by name:
    /// <c>describe</c> on the command line is sent here instead.
    /// </summary>
    public static string[] Redirect(string[] args) => args is ["describe", .. var rest] ? [Name, .. rest] : args;

    public override async Task<bool> Execute(DescribeInput input)
    {
        using var host = input.BuildHost();
        var parts = new ISystemPart[] { new ConfigurationKeys(host.Services.GetRequiredService<IConfiguration>()) }
            .Concat(host.Services.GetServices<ISystemPart>())
            .ToArray();

        if (input.ListFlag)
        {
            foreach (var part in parts) Console.WriteLine("* " + part.Title);
            return true;
        }

        if (!string.IsNullOrEmpty(input.TitleFlag)) parts = parts.Where(p => p.Title == input.TitleFlag).ToArray();
        if (!string.IsNullOrEmpty(input.FileFlag)) AnsiConsole.Record();
        await JasperFx.CommandLine.Descriptions.DescribeCommand.WriteToConsole(parts);
        if (!string.IsNullOrEmpty(input.FileFlag))
        {
            await File.WriteAllTextAsync(input.FileFlag, AnsiConsole.ExportText());
            Console.WriteLine("Wrote system description to file " + input.FileFlag);
        }

        return true;
    }

    private sealed class ConfigurationKeys(IConfiguration configuration) : SystemPartBase("Configuration (keys only)", new Uri("classcomms://configuration"))
    {
        public override Task WriteToConsole()
        {
            var table = new Table().AddColumns("Key", "Provider");
            if (configuration is IConfigurationRoot root)
            {
                foreach (var entry in configuration.AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
                {
                    var provider = root.Providers.LastOrDefault(p => p.TryGet(entry.Key, out _));
                    table.AddRow(Markup.Escape(entry.Key), Markup.Escape(provider?.ToString() ?? ""));
                }
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }
    }
}
