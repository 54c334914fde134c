import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { follow } from "../live";
import { AuthImage, download } from "../media";
import { useSignals } from "../signal";
import { lang } from "../i18n";

type Item = Schemas["PortfolioItemView"];
const pageSize = 100;

/**
 * A child's portfolio as a guardian may see it (approved items, while portfolio-sharing consent stands; otherwise the API answers
 * 404 and the section says it is not shared). Read by cursor: the first read from 0, then, on a `PortfolioChanged` push for this
 * child or a SignalR reconnect, only what changed after the last cursor (an item changed since comes again whole and replaces the
 * one shown, a deleted one comes as a marker and goes): nothing lost, nothing shown twice, no re-read of the whole portfolio.
 */
export function PortfolioSection(props: { studentId: string }) {
  const studentId = props.studentId;
  useSignals(lang);
  const [items, setItems] = useState<Map<string, Item>>(new Map());
  const [status, setStatus] = useState<"loading" | "ok" | "hidden" | "error">("loading");
  const cursor = useRef(0);

  useEffect(() => {
    let alive = true;
    cursor.current = 0;
    setItems(new Map());
    setStatus("loading");
    // One page after the cursor per step; `follow` repeats it while pages are full, and on a push for this child or a reconnect.
    const step = async () => {
      const { data, response } = await api.GET("/api/students/{studentId}/portfolio",
        { params: { path: { studentId }, query: { after: cursor.current, limit: pageSize } as never } });
      if (!alive) return false;
      if (!data) {
        if (response.status === 404) { cursor.current = 0; setItems(new Map()); setStatus("hidden"); }
        else setStatus("error");
        return false;
      }
      cursor.current = data.cursor;
      setItems((current) => {
        const next = new Map(current);
        for (const item of data.items) {
          if (item.deleted || !item.approved || item.rejected) next.delete(item.itemId);
          else next.set(item.itemId, item);
        }
        return next;
      });
      setStatus("ok");
      return data.items.length >= pageSize;
    };
    const stop = follow(step, (name, notice) => name === "PortfolioChanged" && notice.studentId === studentId,
      () => setStatus((s) => (s === "loading" ? "error" : s)));
    return () => { alive = false; stop(); };
  }, [studentId]);

  const shown = [...items.values()].sort((a, b) => b.addedAt.localeCompare(a.addedAt));
  return (
    <div data-testid="portfolio">
      <h2>{t("portfolio.heading")}</h2>
      {status === "loading" && <p role="status">{t("app.loading")}</p>}
      {status === "error" && <p role="alert">{t("app.error")}</p>}
      {status === "hidden" && <p data-testid="portfolio-hidden">{t("portfolio.notShared")}</p>}
      {status === "ok" && shown.length === 0 && <p>{t("portfolio.none")}</p>}
      {status === "ok" && shown.length > 0 && (
        <ol class="cards">
          {shown.map((item) => (
            <li class="card" key={item.itemId} data-testid="portfolio-item">
              <p class="muted">
                {t(kindKey(item.kind))} · {t("history.by", { role: t(roleKey(item.authorRole)) })}{" "}
                <time dateTime={item.addedAt}>{formatDate(item.addedAt)}</time>
              </p>
              {item.attachment && (item.attachment.kind === "image" || item.attachment.contentType.startsWith("image/")
                ? <AuthImage attachmentId={item.attachment.attachmentId} alt={item.text || t("portfolio.photo")} testId="portfolio-photo" />
                : (
                  <button type="button" class="small" onClick={() => void download(`/api/attachments/${item.attachment!.attachmentId}`,
                    item.attachment!.fileName ?? "file")}>{t("portfolio.download")}</button>
                ))}
              {item.text && <p>{item.text}</p>}
              {item.comments.length > 0 && (
                <ul class="list" aria-label={t("portfolio.comments")}>
                  {item.comments.map((c) => (
                    <li key={c.commentId}><span class="muted">{t(roleKey(c.authorRole))}:</span> {c.text ?? "…"}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

const kinds = ["photo", "video", "journal", "drawing", "file"];
const kindKey = (kind: string) => (`portfolio.kind.${kinds.includes(kind) ? kind : "file"}` as MessageKey);
const roleKey = (role: string) => {
  const r = role.toLowerCase();
  return (`role.${["guardian", "teacher", "leader", "dpo", "student"].includes(r) ? r : "teacher"}` as MessageKey);
};
