import { useEffect, useState } from "preact/hooks";
import { api, roleOf, session, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status, useLoad } from "../ui";

// The teacher's (and leader's) class tools beside the roster: an announcement to the class's families, the portfolio items waiting
// for approval, and the teacher's own quiet hours.

/** An announcement to every linked guardian of the class (POST /api/classes/{id}/announcements); a leader may mark it urgent. */
export function AnnouncePage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [text, setText] = useState("");
  const [urgent, setUrgent] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const leader = roleOf(session.value) === "leader";
  return (
    <section class="narrow-wide">
      <h1>{t("announce.heading", { name: view.data.name ?? "" })}</h1>
      <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const { data, response } = await api.POST("/api/classes/{classId}/announcements", {
          params: { path: { classId } }, body: { text, aboutStudentIds: null, urgent: leader && urgent },
        });
        setBusy(false);
        if (data) { setText(""); setUrgent(false); setResult({ ok: true, text: t("announce.sent", { count: data.recipients }) }); }
        else setResult({ ok: false, text: response.status === 400 ? t("announce.invalid") : t("app.error") });
      }}>
        <label for="announce-text">{t("announce.text")}</label>
        <textarea id="announce-text" rows={5} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        {leader && (
          <p class="check">
            <input type="checkbox" id="announce-urgent" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
            <label for="announce-urgent">{t("announce.urgent")}</label>
          </p>
        )}
        {leader && <p class="hint">{t("announce.urgentHint")}</p>}
        <button type="submit" disabled={busy || text.trim() === ""} data-testid="announce">{t("announce.send")}</button>
      </form>
      {result && <p role={result.ok ? "status" : "alert"} class={result.ok ? "good" : "problem"} data-testid="announce-result">{result.text}</p>}
    </section>
  );
}

type Pending = Schemas["PortfolioItemView"] & { studentName: string };

/** The class's portfolio items that students added and nobody has approved or rejected yet. */
export function ApprovalsPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [pending, setPending] = useState<Pending[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const names = new Map((view.data?.students ?? []).map((s) => [s.studentId, s.name ?? ""]));
  useEffect(() => {
    if (!view.data) return;
    let cancelled = false;
    // webstaff3: one class-wide read of the items waiting for approval (GET /api/classes/{id}/portfolio/pending), oldest first; the
    // API records one staff read per student whose items it returns.
    void api.GET("/api/classes/{classId}/portfolio/pending", { params: { path: { classId }, query: { limit: 200 } } }).then(({ data }) => {
      if (!cancelled) setPending((data?.items ?? []).map((i) => ({ ...i, studentName: names.get(i.studentId) ?? "" })));
    });
    return () => { cancelled = true; };
  }, [view.data]);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;

  const decide = async (item: Pending, approve: boolean) => {
    const path = { studentId: item.studentId, itemId: item.itemId };
    const { response } = approve
      ? await api.POST("/api/students/{studentId}/portfolio/{itemId}/approval", { params: { path } })
      : await api.POST("/api/students/{studentId}/portfolio/{itemId}/rejection", { params: { path }, body: { reason: reasons[item.itemId]?.trim() || null } });
    if (response.ok || response.status === 409) {
      setPending((list) => list?.filter((i) => i.itemId !== item.itemId) ?? null);
      setNote(approve ? t("approvals.approved", { name: item.studentName }) : t("approvals.rejected", { name: item.studentName }));
    } else setNote(t("app.error"));
  };

  return (
    <section>
      <h1>{t("approvals.heading", { name: view.data.name ?? "" })}</h1>
      <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
      {pending === null && <p role="status">{t("app.loading")}</p>}
      {pending?.length === 0 && <p data-testid="no-pending">{t("approvals.none")}</p>}
      <ul class="cards" data-testid="pending">
        {pending?.map((item) => (
          <li class="card" key={item.itemId} data-testid={`pending-${item.itemId}`}>
            <h2>{item.studentName}</h2>
            <p class="muted"><time dateTime={item.addedAt}>{formatDate(item.addedAt)}</time></p>
            {item.text && <p>{item.text}</p>}
            {item.attachment && <p class="muted">{t("approvals.attachment", { name: item.attachment.fileName ?? item.attachment.kind })}</p>}
            <button type="button" data-testid={`approve-${item.itemId}`} onClick={() => void decide(item, true)}>{t("approvals.approve")}</button>
            <label for={`reason-${item.itemId}`}>{t("approvals.reason")}</label>
            <input id={`reason-${item.itemId}`} value={reasons[item.itemId] ?? ""} maxLength={500}
              onInput={(e) => setReasons({ ...reasons, [item.itemId]: e.currentTarget.value })} />
            <button type="button" class="secondary" onClick={() => void decide(item, false)}>{t("approvals.reject")}</button>
          </li>
        ))}
      </ul>
      <div aria-live="polite">{note && <p class="toast">{note}</p>}</div>
    </section>
  );
}

/** The caller's own quiet hours (staff): pushes to them wait until they end. Without their own, the school's default applies. */
export function QuietHoursPage() {
  const current = useLoad(() => api.GET("/api/me/quiet-hours"), []);
  const [start, setStart] = useState("19:00");
  const [end, setEnd] = useState("07:00");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const hhmm = (time: string) => time.slice(0, 5);
  useEffect(() => {
    const shown = current.data?.mine ?? current.data?.school;
    if (shown) { setStart(hhmm(shown.start)); setEnd(hhmm(shown.end)); }
  }, [current.data]);
  if (current.status !== "ok" || !current.data) return <Status load={current} />;
  const { mine, school } = current.data;
  return (
    <section class="narrow">
      <h1>{t("quiet.heading")}</h1>
      <p class="hint">{t("quiet.explain")}</p>
      <p data-testid="quiet-current">{mine
        ? t("quiet.mine", { start: hhmm(mine.start), end: hhmm(mine.end) })
        : school ? t("quiet.school", { start: hhmm(school.start), end: hhmm(school.end) }) : t("quiet.none")}</p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        const { data } = await api.POST("/api/me/quiet-hours", { body: { start, end, timeZone: null } });
        setResult(data ? { ok: true, text: t("quiet.saved", { start: hhmm(data.start), end: hhmm(data.end) }) } : { ok: false, text: t("quiet.invalid") });
        if (data) current.reload();
      }}>
        <label for="quiet-start">{t("quiet.start")}</label>
        <input id="quiet-start" type="time" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        <label for="quiet-end">{t("quiet.end")}</label>
        <input id="quiet-end" type="time" required value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        <button type="submit" data-testid="quiet-save">{t("quiet.save")}</button>
        {mine && <button type="button" class="secondary" onClick={async () => {
          const { response } = await api.DELETE("/api/me/quiet-hours");
          setResult(response.ok ? { ok: true, text: t("quiet.cleared") } : { ok: false, text: t("app.error") });
          current.reload();
        }}>{t("quiet.clear")}</button>}
      </form>
      {result && <p role={result.ok ? "status" : "alert"} class={result.ok ? "good" : "problem"} data-testid="quiet-result">{result.text}</p>}
    </section>
  );
}
