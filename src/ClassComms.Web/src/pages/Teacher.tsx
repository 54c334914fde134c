import { useState } from "preact/hooks";
import { api, roleOf, session } from "../api";
import { t } from "../i18n";
import { Link, Status, useLoad } from "../ui";

export function TeacherHome() {
  const classes = useLoad(() => api.GET("/api/classes"), []);
  const s = session.value;
  return (
    <section>
      <h1>{t("teacher.heading")}</h1>
      <Status load={classes} />
      {classes.data && classes.data.length === 0 && <p>{t("teacher.none")}</p>}
      <ul class="cards">
        {classes.data?.map((c) => (
          <li class="card" key={c.classId}>
            <h2><Link href={`/classes/${c.classId}`}>{c.name}</Link></h2>
            <p class="muted">{t("teacher.students", { count: c.studentCount })}</p>
            <Link href={`/stories/${c.classId}`}>{t("parent.classStory")}</Link>
          </li>
        ))}
      </ul>
      {s && roleOf(s) === "leader" && <p><Link href={`/stories/${s.schoolId}`}>{t("leader.schoolStory")}</Link></p>}
      {s && roleOf(s) === "leader" && <p><Link href="/school/announce">{t("schoolAnnounce.heading")}</Link></p>}
      {s && roleOf(s) === "leader" && <p><Link href="/staff">{t("staff.heading")}</Link></p>}
      <p><Link href="/classes/new" data-testid="new-class">{t("classes.newHeading")}</Link></p>
      <p><Link href="/settings/quiet-hours">{t("quiet.heading")}</Link></p>
    </section>
  );
}

type Awarded = { awardId: string; count: number; skill: string };

export function ClassPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId],
    (name, notice) => (name === "PointAwarded" || name === "PointRemoved") && notice.classId === classId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [wholeClass, setWholeClass] = useState(false);
  const [last, setLast] = useState<Awarded | null>(null);
  const [note, setNote] = useState<string | null>(null);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const data = view.data;
  const students = data.students.filter((s) => !s.erased);
  const toggle = (id: string) => {
    setWholeClass(false);
    const next = new Set(selected);
    if (next.has(id)) next.delete(id); else next.add(id);
    setSelected(next);
  };
  const award = async (skillId: string, skillName: string) => {
    const body = wholeClass ? { skillId, wholeClass: true } : { skillId, studentIds: [...selected], wholeClass: false };
    const { data: awarded } = await api.POST("/api/classes/{classId}/points", { params: { path: { classId } }, body });
    if (!awarded) { setNote(t("app.error")); return; }
    setLast({ awardId: awarded.awardId, count: awarded.points.length, skill: skillName });
    setNote(null);
    setSelected(new Set());
    setWholeClass(false);
    view.reload();
  };
  const canAward = wholeClass || selected.size > 0;
  return (
    <section>
      <h1>{data.name}</h1>
      <ClassTools classId={classId} />
      <p class="hint">{t("teacher.selectHint")}</p>
      <div class="toolbar">
        <button type="button" aria-pressed={wholeClass} class={wholeClass ? "tile on" : "tile"} data-testid="whole-class"
          onClick={() => { setWholeClass(!wholeClass); setSelected(new Set()); }}>{t("teacher.wholeClass")}</button>
        <span role="status" class="muted">{t("teacher.selected", { count: wholeClass ? students.length : selected.size })}</span>
        {canAward && <button type="button" class="link" onClick={() => { setSelected(new Set()); setWholeClass(false); }}>{t("teacher.clear")}</button>}
      </div>
      <h2>{t("teacher.roster")}</h2>
      <ul class="tiles" data-testid="roster">
        {students.map((s) => {
          const on = wholeClass || selected.has(s.studentId);
          return (
            <li key={s.studentId}>
              <button type="button" class={on ? "tile on" : "tile"} aria-pressed={on} data-testid={`student-${s.studentId}`} onClick={() => toggle(s.studentId)}>
                <span class="name">{s.name}</span>
                <span class="count">{s.positivePoints}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {(["positive", "needsWork"] as const).map((group) => (
        <div key={group}>
          <h2>{group === "positive" ? t("teacher.positiveSkills") : t("teacher.needsWorkSkills")}</h2>
          <ul class="tiles">
            {data.skills.filter((k) => k.positive === (group === "positive")).map((k) => (
              <li key={k.id}>
                <button type="button" class={k.positive ? "tile skill good" : "tile skill work"} disabled={!canAward}
                  data-testid={`skill-${k.id}`} aria-label={t("teacher.award", { skill: k.name ?? "" })}
                  onClick={() => void award(k.id, k.name ?? "")}>{k.name} ({k.positive ? "+" : "−"}{k.value})</button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <div aria-live="polite" class="toast-area">
        {last && (
          <p class="toast" data-testid="awarded">
            {t("teacher.awarded", { count: last.count, skill: last.skill })}{" "}
            <button type="button" class="small" data-testid="undo" onClick={async () => {
              await api.DELETE("/api/awards/{awardId}", { params: { path: { awardId: last.awardId } } });
              setLast(null);
              setNote(t("teacher.undone"));
              view.reload();
            }}>{t("teacher.undo")}</button>
          </p>
        )}
        {note && <p class="toast">{note}</p>}
      </div>
    </section>
  );
}

/** Links to the class's other pages (story post, parent codes, announcement, approvals; custody for a leader). */
function ClassTools(props: { classId: string }) {
  const id = props.classId;
  const leader = roleOf(session.value) === "leader";
  return (
    <nav aria-label={t("tools.label")} class="class-tools">
      <Link href={`/classes/${id}/story/new`} data-testid="tool-story">{t("tools.postStory")}</Link>
      <Link href={`/stories/${id}`}>{t("parent.classStory")}</Link>
      <Link href={`/classes/${id}/announce`}>{t("tools.announce")}</Link>
      <Link href={`/classes/${id}/approvals`}>{t("tools.approvals")}</Link>
      <Link href={`/classes/${id}/codes`} data-testid="tool-codes">{t("tools.codes")}</Link>
      {leader && <Link href={`/classes/${id}/custody`}>{t("tools.custody")}</Link>}
      <Link href={`/classes/${id}/students/new`} data-testid="tool-enrol">{t("classes.enrol")}</Link>
    </nav>
  );
}
