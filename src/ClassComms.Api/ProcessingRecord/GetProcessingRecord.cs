using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ProcessingRecord;

public static class GetProcessingRecordEndpoint
{
    /// <summary>The record of processing activities (GDPR art. 30), generated from the code (the DPO; leaders too).</summary>
    /// <remarks><c>format=json</c> (default) or <c>markdown</c>: the same text as <c>src/ClassComms.Api/ProcessingRecord/processing-record.md</c>.</remarks>
    [ProducesResponseType<ProcessingRecordDocument>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403)]
    [WolverineGet("/api/dpo/processing-record")]
    public static IResult Get(string? format, Caller caller, IDocumentStore store)
    {
        if (caller.Role is not (Role.Dpo or Role.Leader)) return Problems.Forbidden("The DPO or a school leader reads the record of processing.");
        format = (format ?? "json").Trim().ToLowerInvariant();
        if (format is not ("json" or "markdown")) return Problems.Invalid("format", "must be json or markdown.");
        var record = ProcessingRecordGenerator.Generate(store);
        return format == "json" ? Results.Ok(record) : Results.Text(ProcessingRecordGenerator.Markdown(record), "text/markdown; charset=utf-8");
    }
}
