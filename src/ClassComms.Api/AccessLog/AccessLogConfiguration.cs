using ClassComms.Retention;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ClassComms.AccessLog;

/// <summary>The access log's table (part of Marten's schema, so <c>resources setup</c> creates it) and its writer.</summary>
public static class AccessLogConfiguration
{
    public static void ConfigureAccessLog(this StoreOptions opts)
    {
        opts.Storage.ExtendedSchemaObjects.Add(LogTable());
        opts.Storage.ExtendedSchemaObjects.Add(AnchorTable());
    }

    public static IServiceCollection AddAccessLog(this IServiceCollection services)
    {
        services.AddSingleton<StaffReads>();
        services.AddSingleton<AccessLogVerifier>();
        services.AddSingleton<IRetentionStep, AccessLogRetention>(); // removes entries older than the policy's AccessLogMonths
        return services;
    }

    /// <summary>
    /// One row per staff read of one student's data, chained per school by <c>seq</c> (1, 2, …) and <c>hash</c>
    /// (<see cref="AccessLogChain"/>). Ids, the reader's role and the time are plain (the DPO filters on them); what was read is
    /// <c>details</c>, sealed under the student's key (null when the student was already erased at the read).
    /// </summary>
    public static Table LogTable()
    {
        var table = new Table(PostgresqlProvider.Instance.Parse(AccessLogChain.Table)) { PrimaryKeyName = "access_log_pkey" };
        table.AddColumn<Guid>("school_id").AsPrimaryKey();
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn<Guid>("id").NotNull();
        table.AddColumn("at", "timestamp with time zone").NotNull();
        table.AddColumn<Guid>("reader_id").NotNull();
        table.AddColumn<string>("reader_role").NotNull();
        table.AddColumn<Guid>("student_id").NotNull();
        table.AddColumn("details", "bytea");
        table.AddColumn("hash", "bytea").NotNull();
        table.Indexes.Add(new IndexDefinition("access_log_student") { Columns = ["school_id", "student_id", "seq"] });
        table.Indexes.Add(new IndexDefinition("access_log_reader") { Columns = ["school_id", "reader_id", "seq"] });
        return table;
    }

    /// <summary>
    /// The retention anchors (<see cref="AccessLogAnchor"/>): per removal, the last removed entry's number (<c>seq</c>) and stored hash,
    /// the time the school signed them (<c>signed_at</c>) with its key (<c>key_id</c>, <c>signature</c>: ES256 over
    /// <see cref="AccessLogHead.Message"/>), how many entries were removed in all, and the time of the last removed entry. Ids, counts and hashes.
    /// </summary>
    public static Table AnchorTable()
    {
        var table = new Table(PostgresqlProvider.Instance.Parse(AccessLogChain.AnchorTable)) { PrimaryKeyName = "access_log_anchor_pkey" };
        table.AddColumn<Guid>("school_id").AsPrimaryKey();
        table.AddColumn<long>("seq").AsPrimaryKey();
        table.AddColumn("hash", "bytea").NotNull();
        table.AddColumn("signed_at", "timestamp with time zone").NotNull();
        table.AddColumn<string>("key_id").NotNull();
        table.AddColumn<string>("signature").NotNull();
        table.AddColumn<long>("removed").NotNull();
        table.AddColumn("last_removed_at", "timestamp with time zone").NotNull();
        return table;
    }
}
