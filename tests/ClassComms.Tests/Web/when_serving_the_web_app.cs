using System.Net;
using ClassComms.Tests.Support;
using ClassComms.Web;

namespace ClassComms.Tests.Web;

/// <summary>
/// The API serves the built web app on its own origin (<c>Web:Root</c>): its files and, for the app's own paths, <c>index.html</c>,
/// each with the strict Content-Security-Policy; the API's paths keep their answers; without a build the API serves no page.
/// </summary>
public sealed class when_serving_the_web_app(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task app_paths_get_the_page_with_a_strict_csp_and_api_paths_keep_their_answers()
    {
        var root = Directory.CreateTempSubdirectory("classcomms-web-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "index.html"), "<!doctype html><title>app</title>");
            Directory.CreateDirectory(Path.Combine(root.FullName, "assets"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "assets", "app-1.js"), "export {};");
            await using var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
                new Dictionary<string, string?> { [WebApp.RootKey] = root.FullName });
            var http = host.Server.CreateClient();

            foreach (var path in new[] { "/", "/parent/children/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/classes" })
            {
                var page = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<title>app</title>", await page.Content.ReadAsStringAsync());
                var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
                Assert.Contains("default-src 'none'", csp);
                Assert.Contains("script-src 'self'", csp);
                Assert.Contains("connect-src 'self'", csp);
                Assert.DoesNotContain("unsafe-inline", csp);
                Assert.DoesNotContain("http", csp); // no third-party origin
                Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
            }

            var script = await http.GetAsync("/assets/app-1.js");
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Contains("immutable", script.Headers.CacheControl!.ToString());

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/assets/missing.js")).StatusCode);
            var unknownApi = await http.GetAsync("/api/no-such-thing");
            Assert.Equal(HttpStatusCode.NotFound, unknownApi.StatusCode);
            Assert.DoesNotContain("<title>app</title>", await unknownApi.Content.ReadAsStringAsync());
            var postOnly = await http.GetAsync("/api/auth/login"); // POST-only: the API's own answer, not the page
            Assert.NotEqual(HttpStatusCode.OK, postOnly.StatusCode);
            Assert.DoesNotContain("<title>app</title>", await postOnly.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task without_a_build_the_api_starts_and_serves_no_page()
    {
        await using var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { [WebApp.RootKey] = Path.Combine(Path.GetTempPath(), $"no-web-{Guid.NewGuid():N}") });
        var http = host.Server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/parent")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }
}
