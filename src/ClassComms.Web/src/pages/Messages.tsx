import { useEffect, useState } from "preact/hooks";
import { api, session, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status } from "../ui";
import { AuthImage, download, upload } from "../media";
import { follow } from "../live";

type Summary = Schemas["ConversationSummary"];
const inboxPage = 100;
/** Class and school-wide announcements: families read them and do not answer. */
const isAnnouncement = (kind: string) => kind === "announcement" || kind === "schoolAnnouncement";

/**
 * The conversations, kept up to date from the inbox by cursor (`GET /api/inbox?after=`): the inbox is read to its end first (its
 * cursor), then the list; on a `MessageReceived` push and on a SignalR reconnect only the messages after the cursor are read, and
 * each moves its conversation up (its latest time, kept by conversation id: reading a message twice changes nothing). A message
 * of a conversation not listed yet, or one not in the inbox (the caller's own, from another session: the push has no cursor),
 * re-reads the list.
 */
function useConversations() {
  const [list, setList] = useState<Summary[] | null>(null);
  const [status, setStatus] = useState<"loading" | "ok" | "notfound" | "error">("loading");
  useEffect(() => {
    let alive = true;
    let cursor = 0;
    let known: Map<string, Summary> | null = null;
    let stale = false;
    const show = () => setList([...known!.values()].sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt)));
    const stop = follow(async () => {
      const { data } = await api.GET("/api/inbox", { params: { query: { after: cursor, limit: inboxPage } } });
      if (!alive) return false;
      if (!data) throw new Error("inbox");
      cursor = data.cursor;
      for (const { message } of data.items) {
        const c = known?.get(message.conversationId);
        if (!known || !c) stale = true;
        else if (Date.parse(message.postedAt) > Date.parse(c.lastMessageAt)) known.set(c.conversationId, { ...c, lastMessageAt: message.postedAt });
      }
      if (data.items.length === inboxPage) return true;
      if (stale || !known) {
        stale = false;
        const read = await api.GET("/api/conversations", {});
        if (!alive) return false;
        if (!read.data) { setStatus(read.response.status === 403 || read.response.status === 404 ? "notfound" : "error"); return false; }
        known = new Map(read.data.map((c) => [c.conversationId, c]));
      }
      show();
      setStatus("ok");
      return false;
    }, (name, notice) => {
      if (name !== "MessageReceived") return false;
      if (notice.cursor == null) stale = true;
      return true;
    }, () => setStatus((s) => (s === "loading" ? "error" : s)));
    return () => { alive = false; stop(); };
  }, []);
  return { status, data: list };
}

export function MessagesPage() {
  const list = useConversations();
  return (
    <section>
      <h1>{t("messages.heading")}</h1>
      <Status load={{ ...list, data: list.data ?? undefined, reload: () => undefined }} />
      {list.data && list.data.length === 0 && <p>{t("messages.none")}</p>}
      <ul class="list" data-testid="conversations">
        {list.data?.map((c) => (
          <li key={c.conversationId} data-testid={`conversation-${c.conversationId}`}>
            <Link href={`/messages/${c.conversationId}`}>{c.kind === "schoolAnnouncement" ? t("messages.schoolAnnouncement") : isAnnouncement(c.kind) ? t("messages.announcement") : t("messages.private")}</Link>
            <time class="muted" dateTime={c.lastMessageAt}> {formatDate(c.lastMessageAt)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Message = Schemas["MessageItem"];
type ThreadHead = Omit<Schemas["ThreadPage"], "messages" | "next" | "cursor">;
const threadPage = 100;

/**
 * webcursor3: a thread, kept up to date by its change cursor (`GET /api/conversations/{id}/messages?since=<cursor>`): the newest
 * page is read once (with the cursor of the latest change it covers), then on a push about the thread (`MessageReceived`,
 * `MessageWithdrawn`, `MessagesRead`), after one's own reply and on a SignalR reconnect only the messages changed after the
 * cursor — new ones, withdrawn ones (whole again, shown as withdrawn) and ones with a new read receipt — page after page.
 * Messages are kept by id, so nothing is shown twice; what it shows unread is marked read.
 */
function useThread(conversationId: string) {
  const [state, setState] = useState<{ status: "loading" | "ok" | "notfound" | "error"; head?: ThreadHead; messages: Message[] }>(
    { status: "loading", messages: [] });
  const [pull, setPull] = useState<() => void>(() => () => undefined);
  useEffect(() => {
    let alive = true;
    let cursor: number | null = null;
    let head: ThreadHead | undefined;
    const messages = new Map<string, Message>();
    setState({ status: "loading", messages: [] });
    const merge = (read: Message[]) => {
      for (const m of read) messages.set(m.messageId, m);
      // Reading the thread marks what it shows as read.
      const unread = read.filter((m) => !m.withdrawn && !m.readByMe && m.senderId !== session.value?.userId).map((m) => m.messageId);
      if (unread.length) void api.POST("/api/conversations/{conversationId}/read", { params: { path: { conversationId } }, body: { messageIds: unread } as never });
    };
    const stop = follow(async () => {
      if (cursor === null) {
        const { data, response } = await api.GET("/api/conversations/{conversationId}/messages", { params: { path: { conversationId } } });
        if (!alive) return false;
        if (!data) {
          setState((s) => ({ ...s, status: response.status === 404 || response.status === 403 ? "notfound" : "error" }));
          return false;
        }
        const { messages: read, next: _, cursor: latest, ...rest } = data;
        head = rest;
        merge(read);
        cursor = latest ?? 0;
        setState({ status: "ok", head, messages: [...messages.values()] });
        return false;
      }
      const { data } = await api.GET("/api/conversations/{conversationId}/messages",
        { params: { path: { conversationId }, query: { since: cursor, limit: threadPage } } });
      if (!alive) return false;
      if (!data) throw new Error("thread");
      merge(data.messages);
      cursor = data.cursor ?? cursor;
      setState({ status: "ok", head, messages: [...messages.values()] });
      return data.next != null;
    }, (name, notice) => notice.conversationId === conversationId
      && (name === "MessageReceived" || name === "MessageWithdrawn" || name === "MessagesRead"),
    () => setState((s) => (s.status === "loading" ? { ...s, status: "error" } : s)));
    setPull(() => stop.pull);
    return () => { alive = false; stop(); };
  }, [conversationId]);
  return { ...state, pull };
}

export function ThreadPage(props: { conversationId: string }) {
  const conversationId = props.conversationId;
  const live = useThread(conversationId);
  const thread = { status: live.status, data: live.head && { ...live.head, messages: live.messages }, reload: live.pull };
  if (thread.status !== "ok" || !thread.data) return <Status load={thread} />;
  const messages = [...thread.data.messages].sort((a, b) => a.postedAt.localeCompare(b.postedAt));
  return (
    <section>
      <h1>{thread.data.kind === "schoolAnnouncement" ? t("messages.schoolAnnouncement") : isAnnouncement(thread.data.kind) ? t("messages.announcement") : t("messages.private")}</h1>
      <ol class="thread" data-testid="thread">
        {messages.map((m) => (
          <li key={m.messageId} class={m.senderId === session.value?.userId ? "mine" : ""}>
            <p class="muted"><strong>{m.senderName}</strong> <time dateTime={m.postedAt}>{formatDate(m.postedAt)}</time>
              {m.urgent && <span class="badge">{t("messages.urgent")}</span>}</p>
            {(m.withdrawn || m.text) && <p>{m.withdrawn ? <em>{t("messages.withdrawn")}</em> : m.text}</p>}
            {!m.withdrawn && m.attachments.map((a) => a.kind === "image" || a.contentType.startsWith("image/")
              ? <AuthImage key={a.attachmentId} attachmentId={a.attachmentId} alt={t("messages.photo")} testId="message-photo" />
              : (
                <button key={a.attachmentId} type="button" class="small"
                  onClick={() => void download(`/api/attachments/${a.attachmentId}`, a.fileName ?? "file")}>{t("messages.downloadFile")}</button>
              ))}
            {m.senderId === session.value?.userId && (m.readBy?.length ?? 0) > 0 && <p class="muted">{t("messages.read")}</p>}
          </li>
        ))}
      </ol>
      {!isAnnouncement(thread.data.kind) && <ReplyForm conversationId={conversationId} onSent={thread.reload} />}
    </section>
  );
}

/** A reply with an optional photo: the photo is uploaded first (into this conversation), then sent by its id with the text. */
function ReplyForm(props: { conversationId: string; onSent: () => void }) {
  const conversationId = props.conversationId;
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      if (busy || (!text.trim() && !file)) return;
      setBusy(true);
      setProblem(null);
      try {
        let attachmentIds: string[] = [];
        if (file) {
          const uploaded = await upload<{ attachmentId: string }>(`/api/conversations/${conversationId}/attachments`, file);
          if (!uploaded.data) { setProblem(uploaded.status === 413 ? t("messages.photoTooBig") : t("messages.photoRefused")); return; }
          attachmentIds = [uploaded.data.attachmentId];
        }
        const { data } = await api.POST("/api/conversations/{conversationId}/messages",
          { params: { path: { conversationId } }, body: { text: text.trim() || null, attachmentIds, urgent: false } as never });
        if (!data) { setProblem(t("app.error")); return; }
        setText(""); setFile(null); setInputKey((k) => k + 1);
        props.onSent();
      } finally {
        setBusy(false);
      }
    }}>
      <label for="reply">{t("messages.reply")}</label>
      <textarea id="reply" required={!file} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <label for="reply-photo">{t("messages.addPhoto")}</label>
      <input key={inputKey} id="reply-photo" type="file" accept="image/*" data-testid="reply-photo"
        onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      {problem && <p role="alert" class="problem">{problem}</p>}
      <button type="submit" disabled={busy}>{t("messages.send")}</button>
    </form>
  );
}
