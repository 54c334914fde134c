import { useState } from "preact/hooks";
import { api, session } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status, useLoad } from "../ui";
import { AuthImage, download, upload } from "../media";

const aboutMessages = (conversationId?: string) => (name: string, notice: Record<string, unknown>) =>
  (name === "MessageReceived" || name === "MessageWithdrawn" || name === "MessagesRead")
  && (conversationId === undefined || notice.conversationId === conversationId);

export function MessagesPage() {
  const list = useLoad(() => api.GET("/api/conversations", {}), [], aboutMessages());
  return (
    <section>
      <h1>{t("messages.heading")}</h1>
      <Status load={list} />
      {list.data && list.data.length === 0 && <p>{t("messages.none")}</p>}
      <ul class="list">
        {list.data?.map((c) => (
          <li key={c.conversationId}>
            <Link href={`/messages/${c.conversationId}`}>{c.kind === "announcement" ? t("messages.announcement") : t("messages.private")}</Link>
            <time class="muted" dateTime={c.lastMessageAt}> {formatDate(c.lastMessageAt)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ThreadPage(props: { conversationId: string }) {
  const conversationId = props.conversationId;
  const thread = useLoad(async () => {
    const result = await api.GET("/api/conversations/{conversationId}/messages", { params: { path: { conversationId } } });
    // Reading the thread marks what it shows as read.
    const unread = result.data?.messages.filter((m) => !m.readByMe && m.senderId !== session.value?.userId).map((m) => m.messageId) ?? [];
    if (unread.length) void api.POST("/api/conversations/{conversationId}/read", { params: { path: { conversationId } }, body: { messageIds: unread } as never });
    return result;
  }, [conversationId], aboutMessages(conversationId));
  if (thread.status !== "ok" || !thread.data) return <Status load={thread} />;
  const messages = [...thread.data.messages].sort((a, b) => a.postedAt.localeCompare(b.postedAt));
  return (
    <section>
      <h1>{thread.data.kind === "announcement" ? t("messages.announcement") : t("messages.private")}</h1>
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
      {thread.data.kind !== "announcement" && <ReplyForm conversationId={conversationId} onSent={thread.reload} />}
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
