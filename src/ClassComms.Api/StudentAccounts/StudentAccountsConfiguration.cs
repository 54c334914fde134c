using Marten;

namespace ClassComms.StudentAccounts;

public static class StudentAccountsConfiguration
{
    /// <summary>Login codes are global (an anonymous sign-in finds its school through them), looked up by keyed hash only.
    /// Class codes and self-registrations are global too (found by keyed hash), indexed for the class's lists.</summary>
    public static void ConfigureStudentAccounts(this StoreOptions opts)
    {
        opts.Schema.For<StudentLoginCode>().SingleTenanted().Index(c => c.StudentId);
        opts.Schema.For<ClassRegistrationCode>().SingleTenanted().Index(c => c.ClassId);
        opts.Schema.For<StudentRegistration>().SingleTenanted().Index(r => r.ClassId).UniqueIndex(r => r.CodeIndex);
    }

    public static IServiceCollection AddStudentAccounts(this IServiceCollection services) => services.AddSingleton<StudentLogins>();
}
