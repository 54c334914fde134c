import { useState } from "preact/hooks";
import { api } from "../api";
import { formatDate, t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Link, Status, useLoad } from "../ui";
import { pointsOf, useFeed } from "../feed";
import { PortfolioSection } from "./Portfolio";
import { AccessLogSection } from "./ParentPrivacy";

// Points come from the guardian's feed, caught up by cursor (../feed); the children (names, classes) are re-read when one is removed.
const aboutStudent = (studentId?: string) => (name: string, notice: Record<string, unknown>) =>
  name === "ChildRemoved" && (studentId === undefined || notice.studentId === studentId);

export function ParentHome() {
  const children = useLoad(() => api.GET("/api/guardians/me/children"), [], aboutStudent());
  const feed = useFeed();
  return (
    <section>
      <h1>{t("parent.heading")}</h1>
      <Status load={children} />
      {children.data && children.data.length === 0 && <p>{t("parent.none")}</p>}
      <ul class="cards" data-testid="children">
        {children.data?.map((child) => {
          const counts = feed.status === "ok" ? pointsOf(feed.points, child.studentId)
            : { positive: child.positivePoints, needsWork: child.needsWorkPoints };
          return (
          <li class="card" key={child.studentId} data-testid="child">
            <h2><Link href={`/parent/children/${child.studentId}`} aria-label={t("parent.open", { name: child.name ?? "" })}>{child.name}</Link></h2>
            <p class="muted">{child.className}</p>
            <p class="points" data-testid={`points-${child.studentId}`}>
              <span class="good"><span class="count" data-testid="positive">{counts.positive}</span> {t("parent.positive")}</span>
              <span class="work"><span class="count">{counts.needsWork}</span> {t("parent.needsWork")}</span>
            </p>
            <Link href={`/stories/${child.classId}`}>{t("parent.classStory")}</Link>
          </li>
          );
        })}
      </ul>
      <p><Link href="/parent/privacy" data-testid="my-data">{t("mydata.link")}</Link></p>
      <JoinForm onJoined={() => { children.reload(); feed.restart(); }} />
    </section>
  );
}

function JoinForm(props: { onJoined: () => void }) {
  const [code, setCode] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      const { data } = await api.POST("/api/guardians/me/children", { body: { code } });
      setMessage(data ? { ok: true, text: t("parent.joined") } : { ok: false, text: t("parent.badCode") });
      if (data) { setCode(""); props.onJoined(); }
    }}>
      <h2>{t("parent.join")}</h2>
      <label for="parent-code">{t("parent.code")}</label>
      <input id="parent-code" autocomplete="off" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
      {message && <p role={message.ok ? "status" : "alert"} class={message.ok ? "" : "problem"}>{message.text}</p>}
      <button type="submit">{t("parent.joinSubmit")}</button>
    </form>
  );
}

const purposeKey = (purpose: string) => (`purpose.${purpose}` as MessageKey);
const roleKey = (role: string) => (`role.${role.toLowerCase()}` as MessageKey);

export function ChildPage(props: { studentId: string }) {
  const studentId = props.studentId;
  // The child's name (and "not found"); the points themselves come from the feed, caught up by cursor.
  const points = useLoad(() => api.GET("/api/students/{studentId}/points", { params: { path: { studentId }, query: { limit: 1 } } }),
    [studentId], aboutStudent(studentId));
  const feed = useFeed();
  const consents = useLoad(() => api.GET("/api/students/{studentId}/consents", { params: { path: { studentId } } }), [studentId]);
  const history = useLoad(() => api.GET("/api/students/{studentId}/consents/history", { params: { path: { studentId } } }), [studentId]);
  if (points.status !== "ok" || !points.data) return <Status load={points} />;
  const view = points.data;
  const mine = feed.status === "ok" ? pointsOf(feed.points, studentId) : null;
  const positive = mine ? mine.positive : view.positivePoints;
  const needsWork = mine ? mine.needsWork : view.needsWorkPoints;
  const recent = (mine?.recent ?? []).slice(0, 20);
  // The portfolio is shown while portfolio-sharing consent stands: a change of it starts the section again.
  const sharing = consents.data?.consents.find((c) => c.purpose === "portfolioSharing")?.given;
  return (
    <section>
      <h1 data-testid="child-name">{view.name}</h1>
      <h2>{t("child.points")}</h2>
      <p class="points big" data-testid="child-points">
        <span class="good"><span class="count" data-testid="positive">{positive}</span> {t("parent.positive")}</span>
        <span class="work"><span class="count">{needsWork}</span> {t("parent.needsWork")}</span>
      </p>
      <h2>{t("child.recent")}</h2>
      {feed.status === "loading" && <p role="status">{t("app.loading")}</p>}
      {feed.status === "error" && <p role="alert">{t("app.error")}</p>}
      {mine && (recent.length === 0 ? <p>{t("child.noPoints")}</p> : (
        <ul class="list" data-testid="recent-points">
          {recent.map((p) => (
            <li key={p.pointId} class={p.positive ? "good" : "work"} data-testid="recent-point">
              <strong>{p.positive ? "+" : "−"}{p.value} {p.skillName}</strong>
              {p.note && <span> — {p.note}</span>}
              <time class="muted" dateTime={p.at}> {formatDate(p.at)}</time>
            </li>
          ))}
        </ul>
      ))}
      <PortfolioSection key={`${studentId}-${String(sharing)}`} studentId={studentId} />
      <h2>{t("child.consents")}</h2>
      <Status load={consents} />
      {consents.data && (
        <ul class="list" data-testid="consents">
          {consents.data.consents.map((c) => (
            <li key={c.purpose} data-testid={`consent-${c.purpose}`}>
              <span>{t(purposeKey(c.purpose))}: <strong>{c.given ? t("child.given") : t("child.notGiven")}</strong></span>
              {consents.data!.decidedBy === "student" ? <span class="muted"> {t("child.studentDecides")}</span> : (
                <button type="button" class="small" onClick={async () => {
                  await api.POST("/api/students/{studentId}/consents", { params: { path: { studentId } }, body: { purpose: c.purpose, given: !c.given } });
                  consents.reload();
                  history.reload();
                }}>{c.given ? t("child.withdraw") : t("child.give")}</button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("child.history")}</h2>
      {history.data && (history.data.entries.length === 0 ? <p>{t("child.noHistory")}</p> : (
        <ul class="list">
          {history.data.entries.map((h, i) => (
            <li key={i}>
              <time dateTime={h.at}>{formatDate(h.at)}</time> — {h.purpose && t(purposeKey(h.purpose))}:{" "}
              {h.kind.toLowerCase().includes("withdr") ? t("history.withdrawn") : h.kind.toLowerCase().includes("giv") ? t("history.given") : t("history.other")}{" "}
              <span class="muted">{t("history.by", { role: t(roleKey(h.actorRole)) })}</span>
            </li>
          ))}
        </ul>
      ))}
      <AccessLogSection studentId={studentId} />
    </section>
  );
}
