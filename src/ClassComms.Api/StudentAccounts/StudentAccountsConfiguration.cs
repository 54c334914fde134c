using Marten;

namespace ClassComms.StudentAccounts;

public static class StudentAccountsConfiguration
{
    /// <summary>Login codes are global (an anonymous sign-in finds its school through them), looked up by keyed hash only.</summary>
    public static void ConfigureStudentAccounts(this StoreOptions opts) =>
        opts.Schema.For<StudentLoginCode>().SingleTenanted().Index(c => c.StudentId);

    public static IServiceCollection AddStudentAccounts(this IServiceCollection services) => services.AddSingleton<StudentLogins>();
}
