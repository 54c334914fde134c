using System.Net;
using ClassComms.PersonalData;
using ClassComms.Privacy;
using ClassComms.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClassComms.Tests.StudentAccounts;

/// <summary>
/// Refusing a self-registration destroys the key of the name the student typed and writes that destruction to the erasure ledger first, so
/// a restore older than the refusal (the registration back as pending) is refused again, its key destroyed again, when the ledger is
/// re-applied at start-up.
/// </summary>
public sealed class when_a_refused_registration_is_restored(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_refusal_is_in_the_ledger_and_re_applying_it_refuses_the_restored_registration_again()
    {
        var world = await Api.CreateWorld();
        var code = await Api.Post<ClassRegistrationCodeIssued>($"/api/classes/{world.ClassId}/registration-code", null, world.Teacher);
        var stranger = await Api.Expect<StudentRegistered>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/student-registrations",
            new RegisterStudent(code.Code, "Zephyrine Quillfeather"), null, Api.FromNewAddress);
        StudentRegistration? stored;
        await using (var query = Store.QuerySession())
        {
            stored = await query.LoadAsync<StudentRegistration>(stranger.RegistrationId);
        }

        await Api.Post<StudentRegistrationView>($"/api/student-registrations/{stranger.RegistrationId}/refusal", null, world.Teacher, HttpStatusCode.OK);

        var ledger = Host.Services.GetRequiredService<ErasureLedger>();
        var entry = Assert.Single(await ledger.ReadAsync(world.SchoolId, CancellationToken.None));
        Assert.Equal((stored!.StudentId, SubjectKinds.RegistrationKey, world.Teacher.UserId), (entry.SubjectId, entry.SubjectKind, entry.RequestedBy));

        // What a restore of a backup taken before the refusal brings back: the registration pending again.
        await using (var restore = Store.LightweightSession())
        {
            restore.Store(stored);
            await restore.SaveChangesAsync();
        }

        var reapplication = new ErasureReapplication(Store, ledger, Host.Services.GetRequiredService<ErasureSteps>(),
            Host.Services.GetRequiredService<ClassComms.Retention.LegacyPointNotes>(), TimeProvider.System, NullLogger<ErasureReapplication>.Instance);
        Assert.True(await reapplication.ReapplyAllAsync(CancellationToken.None) >= 1);

        await using var after = Store.QuerySession();
        var reapplied = await after.LoadAsync<StudentRegistration>(stranger.RegistrationId);
        Assert.Equal(StudentRegistration.Refused, reapplied!.State);
        Assert.Null(await Host.Services.GetRequiredService<PersonalDataVault>().UnsealAsync(reapplied.Name));
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await Api.Send(HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(stranger.Code), null, Api.FromNewAddress)).Status);
    }
}
