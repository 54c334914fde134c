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
