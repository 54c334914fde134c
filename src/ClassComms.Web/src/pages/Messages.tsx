import { useState } from "preact/hooks";
import { api, session } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status, useLoad } from "../ui";

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
  const [text, setText] = useState("");
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
            <p>{m.withdrawn ? <em>{t("messages.withdrawn")}</em> : m.text}</p>
            {m.senderId === session.value?.userId && (m.readBy?.length ?? 0) > 0 && <p class="muted">{t("messages.read")}</p>}
          </li>
        ))}
      </ol>
      {thread.data.kind !== "announcement" && (
        <form class="panel" onSubmit={async (e) => {
          e.preventDefault();
          const { data } = await api.POST("/api/conversations/{conversationId}/messages",
            { params: { path: { conversationId } }, body: { text, urgent: false } });
          if (data) { setText(""); thread.reload(); }
        }}>
          <label for="reply">{t("messages.reply")}</label>
          <textarea id="reply" required rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit">{t("messages.send")}</button>
        </form>
      )}
    </section>
  );
}
