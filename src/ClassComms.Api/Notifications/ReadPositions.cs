using ClassComms.Conversations;
using ClassComms.Guardians;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ClassComms.Notifications;

/// <summary>
/// Cursors of the feed and the inbox, taken at commit. <see cref="FeedProjection"/> and <see cref="MessageProjection"/> are
/// inline: their entries are written in the transaction of the event, so an item is readable the moment its event is
/// committed and a push needs no wait. An inbox entry's cursor is a position counted per recipient on a head row
/// (<see cref="Table"/>; story posts and comments count per story the same way). The feed (one entry per point event, read by
/// every guardian of the student, filtered at read time) is numbered by <see cref="InsertFeed{T}"/>: under a lock on each of
/// its readers' rows, from one sequence. The statement that writes a transaction's entries first moves their
/// readers' heads on with an upsert, which locks those rows until the transaction commits: two transactions for one reader
/// take turns, so that reader's positions are given in commit order and a reader "after cursor X" never misses an item
/// committed later with a smaller one. One statement per projection and transaction (a message's view and its inbox entries
/// share one, <see cref="Write"/>), head rows taken in id order (no
/// deadlock between two transactions sharing readers), sent in the transaction's own batch (no extra round trip).
/// </summary>
public static class ReadPositions
{
    public const string Table = "classcomms.read_heads";

    public static Table HeadTable()
    {
        var table = new Table(PostgresqlProvider.Instance.Parse(Table));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<Guid>("owner_id").AsPrimaryKey();
        table.AddColumn<long>("base").NotNull();
        table.AddColumn<long>("position").NotNull();
        return table;
    }

    /// <summary>Lock rows of the feed's readers (<see cref="InsertFeed{T}"/>): one per guardian and school.</summary>
    public const string FeedHeadTable = "classcomms.feed_heads";

    /// <summary>Numbers of feed items (<see cref="InsertFeed{T}"/>). Starts at 2^40, above every cursor of the school-wide count
    /// used before (those started at the event store's sequence number and moved by one per feed item).</summary>
    public const string FeedSequence = "classcomms.feed_positions";

    public const long FeedSequenceStart = 1L << 40;

    public static Table FeedHeads()
    {
        var table = new Table(PostgresqlProvider.Instance.Parse(FeedHeadTable));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<Guid>("owner_id").AsPrimaryKey();
        table.AddColumn<long>("writes").NotNull();
        return table;
    }

    public static Sequence FeedPositions() => new(PostgresqlProvider.Instance.Parse(FeedSequence), FeedSequenceStart);

    /// <summary>Marten's table for a document type (schema classcomms, mt_doc_ + lower-case type name).</summary>
    public static string DocumentTable<T>() => $"classcomms.mt_doc_{typeof(T).Name.ToLowerInvariant()}";

    /// <summary>
    /// Queues one statement writing <paramref name="entries"/> (Marten documents of type <typeparamref name="T"/>, whose
    /// <c>Sequence</c> it sets): each reader's head moves on by its number of entries (inserted at that number the first
    /// time), head rows locked in reader order; the k-th of a reader's n entries, in the given order, gets head − n + k.
    /// An entry that already exists is left as it was. A reader's count starts, at its first entry, above the event store's
    /// last sequence number: cursors kept from before the feed and inbox were numbered per reader (they were event sequence
    /// numbers) are all below it, so they hide nothing written since.
    /// </summary>
    public static void Insert<T>(IDocumentOperations operations, string tenant, IReadOnlyList<(Guid Reader, string Id, T Entry)> entries) =>
        Write(operations, tenant, Inserting(operations, entries));

    /// <summary>
    /// As <see cref="Insert{T}"/>, but an entry that exists is replaced and moved to its reader's next position: a changed item
    /// (an edited story post, a hidden comment) comes again to a reader catching up after a cursor.
    /// </summary>
    public static void Replace<T>(IDocumentOperations operations, string tenant, IReadOnlyList<(Guid Reader, string Id, T Entry)> entries) =>
        Write(operations, tenant, Replacing(operations, entries));

    /// <summary>Entries to number as <see cref="Insert{T}"/> does, for <see cref="Write"/>.</summary>
    public static NumberedEntries Inserting<T>(IDocumentOperations operations, IReadOnlyList<(Guid Reader, string Id, T Entry)> entries) =>
        Entries(operations, entries, "do nothing");

    /// <summary>Entries to number as <see cref="Replace{T}"/> does, for <see cref="Write"/>.</summary>
    public static NumberedEntries Replacing<T>(IDocumentOperations operations, IReadOnlyList<(Guid Reader, string Id, T Entry)> entries) =>
        Entries(operations, entries, "do update set data = excluded.data, mt_last_modified = now()");

    /// <summary>
    /// Queues one statement writing every part's entries (each part one document type, <see cref="Inserting{T}"/> or
    /// <see cref="Replacing{T}"/>), numbered on the read heads as <see cref="Insert{T}"/> says: all the parts' readers' heads are
    /// moved in one upsert, in reader order, so a transaction writing several kinds of entries (a message's view, numbered on
    /// its conversation, and its recipients' inbox entries) locks its head rows in one order and makes one statement, not one
    /// per kind. A reader with entries in several parts has them numbered part by part, in the order given.
    /// </summary>
    public static void Write(IDocumentOperations operations, string tenant, params NumberedEntries[] parts)
    {
        parts = parts.Where(p => p.Readers.Length > 0).ToArray();
        if (parts.Length == 0) return;
        var arguments = new List<object>();
        var sources = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            sources.Add($"select {i} as part, * from unnest(?::uuid[], ?::text[], ?::text[]) with ordinality as e{i}(owner_id, id, data, ord)");
            arguments.AddRange([parts[i].Readers, parts[i].Ids, parts[i].Data]);
        }

        arguments.Add(tenant);
        // One insert per part: all but the last as data-modifying CTEs (run once, to completion, whether read or not).
        var writes = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            writes.Add($$"""
                insert into {{parts[i].Table}} (tenant_id, id, data, mt_dotnet_type)
                select ?, ranked.id::{{parts[i].IdType}}, jsonb_set(ranked.data::jsonb, '{Sequence}', to_jsonb(head.position - ranked.n + ranked.k)), ?
                from ranked join head on head.owner_id = ranked.owner_id where ranked.part = {{i}}
                on conflict (tenant_id, id) {{parts[i].OnConflict}}
                """);
            arguments.AddRange([tenant, parts[i].DotnetType]);
        }

        var leading = string.Concat(writes.Take(writes.Count - 1).Select((w, i) => $",\nw{i} as ({w})"));
        operations.QueueSqlCommand($$"""
            with e as ({{string.Join("\nunion all ", sources)}}),
            ranked as (select part, id, owner_id, data, row_number() over (partition by owner_id order by part, ord) as k,
                              count(*) over (partition by owner_id) as n from e),
            head as (insert into {{Table}} as h (tenant_id, owner_id, base, position)
                     select ?, owner_id, (select last_value from classcomms.mt_events_sequence), count(*) from e group by owner_id order by owner_id
                     on conflict (tenant_id, owner_id) do update set position = h.position + excluded.position
                     returning h.owner_id, h.base + h.position as position){{leading}}
            {{writes[^1]}}
            """, arguments.ToArray());
    }

    /// <summary>
    /// Queues one statement writing feed <paramref name="entries"/> (documents of type <typeparamref name="T"/> about one student
    /// each, whose <c>Sequence</c> it sets). The readers of a feed item are the guardians linked to its student
    /// (<c>AudienceLink</c> rows, restricted or not) and <paramref name="extraReaders"/>: the statement locks their rows of
    /// <see cref="FeedHeadTable"/> (in id order, created on first use) and only then numbers the entries from
    /// <see cref="FeedSequence"/>. Two transactions sharing a reader take turns on that reader's row, so each takes its numbers
    /// after the other committed: for one reader, cursor order is commit order, and an item committed after a reader read
    /// cursor X is numbered above X. Transactions with no reader in common (awards to children of different families) do not
    /// wait on each other, unlike one count per school, which every award of the school held until its commit. The student's
    /// guardians are read in the statement, under the lock of the student's stream that every point event's transaction
    /// holds; a guardian's link is an event of that stream and locks the guardian's row too (<paramref name="extraReaders"/>),
    /// so an item of another child of theirs that is still being written waits for the link, or the link for it.
    /// Numbers are unique across the database (one sequence), with holes per reader.
    /// </summary>
    public static void InsertFeed<T>(IDocumentOperations operations, string tenant, IReadOnlyList<(Guid StudentId, string Id, T Entry)> entries,
        IReadOnlyCollection<Guid> extraReaders)
    {
        if (entries.Count == 0 && extraReaders.Count == 0) return;
        var serializer = operations.DocumentStore.Options.Serializer();
        var documents = DocumentTable<T>();
        var links = DocumentTable<Audience.AudienceLink>();
        operations.QueueSqlCommand($$"""
            with e as (select * from unnest(?::uuid[], ?::text[], ?::text[]) with ordinality as e(student_id, id, data, ord)),
            readers as (select (l.data ->> 'PersonId')::uuid as owner_id from {{links}} l
                        where l.tenant_id = ? and (l.data ->> 'StudentId')::uuid = any(array(select student_id from e))
                        union select unnest(?::uuid[])),
            head as (insert into {{FeedHeadTable}} as h (tenant_id, owner_id, writes)
                     select ?, owner_id, 1 from readers order by owner_id
                     on conflict (tenant_id, owner_id) do update set writes = h.writes + 1
                     returning h.owner_id),
            locked as (select count(*) as readers from head)
            insert into {{documents}} (tenant_id, id, data, mt_dotnet_type)
            select ?, e.id, jsonb_set(e.data::jsonb, '{Sequence}', to_jsonb(nextval('{{FeedSequence}}'))), ?
            from (select e.id, e.data from e cross join locked order by e.ord) e
            on conflict (tenant_id, id) do nothing
            """,
            entries.Select(x => x.StudentId).ToArray(), entries.Select(x => x.Id).ToArray(),
            entries.Select(x => serializer.ToJson(x.Entry!)).ToArray(), tenant, extraReaders.ToArray(), tenant, tenant, typeof(T).FullName!);
    }

    private static NumberedEntries Entries<T>(IDocumentOperations operations, IReadOnlyList<(Guid Reader, string Id, T Entry)> entries, string onConflict)
    {
        var serializer = operations.DocumentStore.Options.Serializer();
        // webcursor3: documents with a Guid id (a thread's message views) have a uuid id column.
        var idType = typeof(T).GetProperty("Id")?.PropertyType == typeof(Guid) ? "uuid" : "text";
        return new NumberedEntries(DocumentTable<T>(), idType, typeof(T).FullName!, onConflict,
            entries.Select(x => x.Reader).ToArray(), entries.Select(x => x.Id).ToArray(),
            entries.Select(x => serializer.ToJson(x.Entry!)).ToArray());
    }
}

/// <summary>Entries of one document type for <see cref="ReadPositions.Write"/>: Marten's table, its id column's type, the stored
/// type name, what a conflict on the id does, and per entry its reader, id and JSON.</summary>
public sealed record NumberedEntries(string Table, string IdType, string DotnetType, string OnConflict, Guid[] Readers, string[] Ids, string[] Data);
