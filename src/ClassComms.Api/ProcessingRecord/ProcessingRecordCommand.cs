using System.Text.Json;
using JasperFx.CommandLine;
using Marten;

namespace ClassComms.ProcessingRecord;

public sealed class ProcessingRecordInput : NetCoreInput
{
    [Description("json or markdown (default)")]
    [FlagAlias("format", 'f')]
    public string FormatFlag { get; set; } = "markdown";

    [Description("write to this file instead of standard output (e.g. src/ClassComms.Api/ProcessingRecord/processing-record.md)")]
    [FlagAlias("out", 'o')]
    public string? OutFlag { get; set; }
}

/// <summary><c>processing-record [--format json|markdown] [--out file]</c>: prints the record of processing generated from the code.</summary>
[Description("Print the record of processing activities (GDPR art. 30) generated from the code: 'processing-record --out src/ClassComms.Api/ProcessingRecord/processing-record.md'", Name = "processing-record")]
public sealed class ProcessingRecordCommand : JasperFxCommand<ProcessingRecordInput>
{
    public ProcessingRecordCommand()
    {
        Usage("Print the record of processing");
    }

    public override bool Execute(ProcessingRecordInput input)
    {
        using var host = input.BuildHost();
        var record = ProcessingRecordGenerator.Generate(host.Services.GetRequiredService<IDocumentStore>());
        var text = input.FormatFlag == "json"
            ? JsonSerializer.Serialize(record, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })
            : ProcessingRecordGenerator.Markdown(record);
        if (input.OutFlag is { } path) File.WriteAllText(path, text);
        else Console.Write(text);
        return record.Undescribed.Count == 0;
    }
}
