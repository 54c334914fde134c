namespace ClassComms.Tests.Web;

/// <summary>
/// End-to-end: headless Debian chromium (playwright-core, <c>src/ClassComms.Web/e2e/run.mjs</c>) against the real API process, PostgreSQL
/// and Azurite, with the demo school. Each test is one scenario; its name is the scenario's.
/// </summary>
public sealed class when_using_the_web_app_in_a_browser(WebAppFixture web) : IClassFixture<WebAppFixture>
{
    [Fact]
    public Task award_shows_on_the_parents_open_page_in_french() => Scenario();

    /// <summary>webcatchup: points awarded while the page's connection is down arrive once on reconnect (feed read after its cursor).</summary>
    [Fact]
    public Task a_reconnecting_parents_page_catches_up_the_points_awarded_meanwhile() => Scenario();

    [Fact]
    public Task a_parent_cannot_open_another_childs_page_by_editing_the_url() => Scenario();

    [Fact]
    public Task french_and_english_have_the_same_keys_and_the_choice_is_remembered() => Scenario();

    [Fact]
    public Task a_withdrawn_photo_consent_removes_the_photo_from_another_parents_open_story() => Scenario();

    [Fact]
    public Task the_dpo_erases_a_student_and_the_parents_open_page_stops_showing_the_child() => Scenario();

    [Fact]
    public Task a_parent_sees_the_childs_portfolio_and_new_items_arrive_live() => Scenario();

    [Fact]
    public Task a_parent_without_portfolio_consent_sees_that_it_is_not_shared() => Scenario();

    [Fact]
    public Task the_dpo_requests_an_export_and_downloads_it() => Scenario();

    [Fact]
    public Task a_parents_erasure_request_is_refused_by_the_dpo_with_a_reason() => Scenario();

    [Fact]
    public Task the_dpo_approves_an_erasure_request_and_views_its_certificate() => Scenario();

    [Fact]
    public Task a_parent_sends_a_photo_in_a_thread() => Scenario();

    /// <summary>fan1000: the leader's school-wide announcement page; the parent reads it in French and cannot answer it.</summary>
    [Fact]
    public Task a_leader_announces_to_the_whole_school_and_a_parent_reads_it() => Scenario();

    [Fact]
    public Task the_main_pages_have_no_serious_accessibility_violation() => Scenario();

    [Fact]
    public Task a_teacher_is_warned_before_posting_a_photo_of_a_student_without_consent() => Scenario();

    [Fact]
    public Task the_printable_parent_codes_sheet_shows_codes_and_qr_codes() => Scenario();

    /// <summary>webstaff: the staff list on the leader's staff page; an invitation appears as pending.</summary>
    [Fact]
    public Task the_leader_sees_the_staff_and_a_new_invitation_as_pending() => Scenario();

    [Fact]
    public Task a_leader_creates_a_class_for_a_teacher_and_enrols_students() => Scenario();

    [Fact]
    public Task the_dpo_extends_an_erasure_deadline_and_exports_a_member_of_staff() => Scenario();

    [Fact]
    public Task the_dpo_records_an_incident_and_updates_it() => Scenario();
    /// <summary>webparent: a signed-out parent registers from /join (code from the fragment), confirms and lands on the children list.</summary>
    [Fact]
    public Task a_new_parent_registers_from_the_join_page_and_lands_on_their_children() => Scenario();

    /// <summary>webparent: a parent asks for a copy of their own data from "My data", follows it and downloads it.</summary>
    [Fact]
    public Task a_parent_asks_for_a_copy_of_their_own_data_and_downloads_it() => Scenario();

    /// <summary>webparent: an open thread and class story catch up by cursor what was sent while their connection was down.</summary>
    [Fact]
    public Task a_reconnecting_thread_and_class_story_catch_up_what_was_sent_meanwhile() => Scenario();

    /// <summary>webdpo3: the DPO assesses an incident's risk (400 field errors beside the fields), the clock and the history follow.</summary>
    [Fact]
    public Task the_dpo_assesses_an_incidents_risk_and_sees_the_clock_and_history() => Scenario();

    /// <summary>webdpo3: a parent asks for a copy of only what they provided (portability scope).</summary>
    [Fact]
    public Task a_parent_asks_for_a_copy_of_only_what_they_provided() => Scenario();

    /// <summary>
    /// webdpo3: the DPO extends an export's deadline while it is being built. The build is held by a real condition, not a product switch
    /// or a sleep: this test holds PostgreSQL's ACCESS EXCLUSIVE lock on the table of the schools' signing keys (as a maintenance
    /// transaction would), so the build waits at the point where it signs the archive, its state "writing"; the extension reads and writes
    /// nothing there. The scenario writes a handshake file once it has extended; the test then releases the lock and the scenario sees the
    /// export completed, its extended deadline kept.
    /// </summary>
    [Fact]
    public async Task the_dpo_extends_an_exports_deadline_while_it_is_being_built()
    {
        const string name = nameof(the_dpo_extends_an_exports_deadline_while_it_is_being_built);
        Assert.True(web.BuildProblem is null, web.BuildProblem);
        await web.EnsureSigningKeyAsync();
        var handshake = Path.Combine(Path.GetTempPath(), $"classcomms-web-extended-{Guid.NewGuid():N}");
        await using var connection = new Npgsql.NpgsqlConnection(web.ConnectionString);
        await connection.OpenAsync();
        await using var hold = await connection.BeginTransactionAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("lock table classcomms.mt_doc_schoolsigningkey in access exclusive mode", connection, hold))
            await lockTable.ExecuteNonQueryAsync();

        var extended = new TaskCompletionSource();
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(handshake)!, Path.GetFileName(handshake)) { EnableRaisingEvents = true };
        watcher.Created += (_, _) => extended.TrySetResult();
        var scenario = web.RunScenarioAsync([name], new Dictionary<string, string> { ["CLASSCOMMS_E2E_HANDSHAKE"] = handshake });
        if (File.Exists(handshake)) extended.TrySetResult();
        await Task.WhenAny(extended.Task, scenario);
        await hold.RollbackAsync();
        var (exitCode, output) = await scenario;
        File.Delete(handshake);
        Assert.True(extended.Task.IsCompleted, $"the scenario ended before extending:\n{output}");
        Assert.True(exitCode == 0, output);
        Assert.Contains($"\"name\":\"{name}\",\"passed\":true", output);
    }

    /// <summary>webstaff3: the leader revokes a pending invitation and removes a member from the staff list, each after a confirmation.</summary>
    [Fact]
    public Task the_leader_revokes_an_invitation_and_removes_a_member_of_staff() => Scenario();

    /// <summary>webcursor3: an open thread catches up by its change cursor a withdrawal and a read receipt made while its connection was down.</summary>
    [Fact]
    public Task a_reconnecting_thread_shows_the_withdrawal_and_the_read_receipt_made_meanwhile() => Scenario();

    private async Task Scenario([System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        Assert.True(web.BuildProblem is null, web.BuildProblem);
        Assert.True(File.Exists(Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium"),
            "Debian's chromium is not installed (infra/test.sh installs it: apt-get install chromium)");
        var (exitCode, output) = await web.RunScenarioAsync(name);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"\"name\":\"{name}\",\"passed\":true", output);
    }
}
