using ClassComms.PersonalData;

namespace ClassComms.Tests.PersonalData;

/// <summary>The Production check that refuses a key store in the event store's database compares parsed servers, not text.</summary>
public sealed class when_comparing_key_and_event_databases
{
    private const string EventStore = "Host=localhost;Port=5432;Database=classcomms;Username=app;Password=secret";

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432;Database=classcomms;Username=keys;Password=other")]
    [InlineData("Host=::1;Database=classcomms;Username=app")]
    [InlineData("Host=[::1];Port=5432;Database=classcomms;Username=app")]
    [InlineData("host=LOCALHOST;database=classcomms;user id=app;Maximum Pool Size=5")]
    [InlineData("Database=classcomms;Host=127.0.0.2;Username=app;Timeout=30")]
    [InlineData("Host=db.example,localhost:5432;Database=classcomms;Username=app")]
    [InlineData("Host=localhost;Username=classcomms")] // no database: Npgsql uses the user name
    public void a_differently_written_string_for_the_same_database_is_the_same(string keyStore) =>
        Assert.True(ServiceCollectionExtensions.SameDatabase(keyStore, EventStore));

    [Theory]
    [InlineData("Host=localhost;Port=5432;Database=classcomms_keys;Username=app")]
    [InlineData("Host=localhost;Port=5433;Database=classcomms;Username=app")]
    [InlineData("Host=127.0.0.1:5433;Database=classcomms;Username=app")]
    [InlineData("Host=db.example;Database=classcomms;Username=app")]
    [InlineData("Host=localhost;Database=Classcomms;Username=app")]
    [InlineData("")]
    public void another_server_port_or_database_is_not(string keyStore) =>
        Assert.False(ServiceCollectionExtensions.SameDatabase(keyStore, EventStore));
}
