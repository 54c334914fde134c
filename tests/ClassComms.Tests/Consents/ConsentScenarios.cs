using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Consents;

/// <summary>Consent steps through the HTTP API, and what the student's stream holds.</summary>
public static class ConsentScenarios
{
    public static string Url(Guid studentId) => $"/api/students/{studentId}/consents";

    public static Task<ConsentChanged> Change(this Api api, Session who, Guid studentId, string purpose, bool given, string? evidence = null) =>
        api.Post<ConsentChanged>(Url(studentId), new ChangeConsent(purpose, given, evidence), who, HttpStatusCode.OK);

    public static Task<StudentConsentsView> Consents(this Api api, Session who, Guid studentId) =>
        api.Get<StudentConsentsView>(Url(studentId), who);

    public static Task<ConsentHistoryView> ConsentHistory(this Api api, Session who, Guid studentId) =>
        api.Get<ConsentHistoryView>($"{Url(studentId)}/history", who);

    public static async Task SetBirthDate(this Api api, Session staff, Guid studentId, string birthDate)
    {
        var (status, body, _) = await api.Send(HttpMethod.Post, $"/api/students/{studentId}/birth-date", new SetBirthDate(birthDate), staff);
        Assert.True(status == HttpStatusCode.NoContent, $"set birth date: expected 204, got {(int)status}: {body}");
    }

    public static Task<ConsentJurisdictionView> SetJurisdiction(this Api api, Session leader, string jurisdiction) =>
        api.Post<ConsentJurisdictionView>("/api/school/consent-jurisdiction", new SetConsentJurisdiction(jurisdiction), leader, HttpStatusCode.OK);

    /// <summary>The events of the student's stream (all kinds).</summary>
    public static async Task<IReadOnlyList<object>> StreamEvents(this IDocumentStore store, Guid schoolId, Guid studentId)
    {
        await using var session = store.QuerySession(schoolId.ToString());
        return (await session.Events.FetchStreamAsync(studentId)).Select(e => e.Data).ToList();
    }

    /// <summary>The age-of-consent step as the durable schedule delivers it, invoked now instead of at the birthday.</summary>
    public static async Task RunAgeOfConsentStep(this IServiceProvider services, Guid schoolId, Guid studentId)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeForTenantAsync(schoolId.ToString(), new ReachAgeOfConsent(schoolId, studentId));
    }

    /// <summary>Waits (bounded) until the student's snapshot satisfies <paramref name="done"/>: for steps run by the durable queue.</summary>
    public static async Task<ClassComms.Students.Student> WaitForStudent(this IDocumentStore store, Guid schoolId, Guid studentId,
        Func<ClassComms.Students.Student, bool> done)
    {
        for (var i = 0; i < 400; i++)
        {
            await using var session = store.QuerySession(schoolId.ToString());
            if (await session.LoadAsync<ClassComms.Students.Student>(studentId) is { } student && done(student)) return student;
            await Task.Delay(50);
        }

        throw new TimeoutException("The student's snapshot did not change as expected within 20 s.");
    }
}
