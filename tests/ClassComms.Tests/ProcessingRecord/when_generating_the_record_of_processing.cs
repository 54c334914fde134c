using System.Net;
using ClassComms.Incidents;
using ClassComms.ProcessingRecord;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.ProcessingRecord;

/// <summary>
/// The record of processing (GDPR art. 30) is generated from the code, so it cannot drift: a new type with a sealed field and no
/// description fails here, and so does a checked-in <c>src/ClassComms.Api/ProcessingRecord/processing-record.md</c> that differs from the generated text.
/// Regenerate it with <c>dotnet run --project src/ClassComms.Api -- processing-record --out src/ClassComms.Api/ProcessingRecord/processing-record.md</c>
/// (or run this test with <c>CLASSCOMMS_UPDATE_PROCESSING_RECORD=1</c>).
/// </summary>
public sealed class when_generating_the_record_of_processing(AppFixture app) : IntegrationTest(app)
{
    private ProcessingRecordDocument Generate() => ProcessingRecordGenerator.Generate(Host.Services.GetRequiredService<IDocumentStore>());

    [Fact]
    public void every_stored_type_holding_personal_data_is_described_and_no_description_is_stale()
    {
        var record = Generate();
        var holders = ProcessingRecordGenerator.HoldersOfPersonalData(typeof(ProcessingCatalogue).Assembly);

        Assert.True(record.Undescribed.Count == 0,
            "Types holding sealed personal data without a description in ProcessingRecord/ProcessingCatalogue.cs (subjects, purpose, key): "
            + string.Join(", ", record.Undescribed));
        var stale = ProcessingCatalogue.Types.Select(d => d.Type).Concat(ProcessingCatalogue.NotStored).Where(t => !holders.ContainsKey(t))
            .Select(t => t.FullName).ToList();
        Assert.True(stale.Count == 0, "Described types that hold no sealed field any more: " + string.Join(", ", stale));
        Assert.Equal(ProcessingCatalogue.Types.Count, ProcessingCatalogue.Types.Select(d => d.Type).Distinct().Count());
        Assert.DoesNotContain(ProcessingCatalogue.Types, d => ProcessingCatalogue.NotStored.Contains(d.Type));
    }

    [Fact]
    public void the_generator_finds_sealed_fields_and_where_they_are_stored()
    {
        var entries = Generate().Entries.ToDictionary(e => e.Type);

        Assert.Equal(["Nature", "Measures"], entries[nameof(IncidentRecorded)].PersonalData);
        Assert.Equal(("event", ProcessingRecordGenerator.EventTable), (entries[nameof(IncidentRecorded)].Kind, entries[nameof(IncidentRecorded)].StoredIn));
        Assert.Equal("document", entries[nameof(Incident)].Kind);
        Assert.Contains("mt_doc_incident", entries[nameof(Incident)].StoredIn);
        Assert.Contains("Risk.Reasoning", entries[nameof(Incident)].PersonalData);
        Assert.Equal("embedded", entries["ClassSkill"].Kind);
        Assert.Contains("Skills[].Name", entries["ClassCreated"].PersonalData);
        Assert.Contains("Email", entries["LoginAccount"].PersonalData);
    }

    [Fact]
    public async Task every_table_outside_marten_and_wolverine_is_in_the_record()
    {
        await using var connection = await Host.Services.GetRequiredService<ClassComms.Accounts.LoginThrottleStore>().OpenAsync(CancellationToken.None);
        await using var read = new Npgsql.NpgsqlCommand("""
            select table_schema || '.' || table_name from information_schema.tables
            where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'
              and table_name not like 'mt\_%' and table_name not like 'wolverine\_%'
            """, connection);
        var tables = new List<string>();
        await using (var reader = await read.ExecuteReaderAsync()) while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        Assert.Equal(ProcessingCatalogue.Tables.Select(t => t.Table).Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task the_checked_in_copy_is_the_generated_record()
    {
        var generated = ProcessingRecordGenerator.Markdown(Generate());
        var path = Path.Combine(RepositoryRoot(), "src", "ClassComms.Api", "ProcessingRecord", "processing-record.md");
        if (Environment.GetEnvironmentVariable("CLASSCOMMS_UPDATE_PROCESSING_RECORD") == "1") await File.WriteAllTextAsync(path, generated);

        Assert.True(File.Exists(path), "src/ClassComms.Api/ProcessingRecord/processing-record.md is missing: regenerate it (see this test's summary).");
        Assert.True((await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") == generated,
            "src/ClassComms.Api/ProcessingRecord/processing-record.md differs from the record generated from the code: regenerate it (see this test's summary).");
    }

    [Fact]
    public async Task the_dpo_reads_it_as_json_or_markdown_and_a_teacher_gets_403()
    {
        var world = await Api.CreateWorld();

        var json = await Api.Get<ProcessingRecordDocument>("/api/dpo/processing-record", world.Dpo);
        var (status, markdown, _) = await Api.Send(HttpMethod.Get, "/api/dpo/processing-record?format=markdown", null, world.Dpo);

        Assert.Contains(json.Entries, e => e.Type == nameof(IncidentRecorded) && e.Subjects.Contains("incident"));
        Assert.Empty(json.Undescribed);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ProcessingRecordGenerator.Markdown(Generate()), markdown);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/dpo/processing-record", null, world.Teacher);
        Assert.Equal(["format"], (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/dpo/processing-record?format=pdf", null, world.Dpo))
            .Errors!.Keys);
    }

    [Fact]
    public async Task the_command_line_verb_writes_the_same_record()
    {
        var file = Path.Combine(Path.GetTempPath(), $"processing-record-{Guid.NewGuid():N}.md");
        try
        {
            var (exitCode, output) = await ApiProcess.RunAsync(AppFixture.Required("ConnectionStrings__Marten"), null, "processing-record", "--out", file);

            Assert.True(exitCode == 0, $"processing-record exited with {exitCode}: {output}");
            Assert.Equal(ProcessingRecordGenerator.Markdown(Generate()), await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("ClassComms.sln not found above the test directory.");
    }
}
