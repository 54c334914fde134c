import { useEffect, useRef, useState } from "preact/hooks";
import { api, roleOf, session, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status, useLoad, type Load } from "../ui";

// The school leader's pages: inviting staff (POST /api/staff) and custody restrictions (a guardian stops seeing a student, from now on;
// POST /api/students/{id}/guardians/{guardianId}/restriction, irreversible through the API). Urgent messages are announcements marked
// urgent, from a class's announcement page or the school-wide announcement page (POST /api/school/announcements).

export function StaffPage() {
  const staff = useLoad(() => api.GET("/api/staff"), []);
  const [role, setRole] = useState("teacher");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <section class="narrow">
      <h1>{t("staff.heading")}</h1>
      <StaffList staff={staff} />
      <h2>{t("staff.inviteHeading")}</h2>
      <p class="hint">{t("staff.explain")}</p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        const { data, response } = await api.POST("/api/staff", { body: { role, name, email } });
        if (data) { setName(""); setEmail(""); setResult({ ok: true, text: t("staff.invited") }); staff.reload(); }
        else setResult({ ok: false, text: response.status === 400 ? t("staff.invalid") : t("app.error") });
      }}>
        <label for="staff-role">{t("staff.role")}</label>
        <select id="staff-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          <option value="teacher">{t("staff.teacher")}</option>
          <option value="leader">{t("staff.leader")}</option>
          <option value="dpo">{t("staff.dpo")}</option>
        </select>
        <label for="staff-name">{t("staff.name")}</label>
        <input id="staff-name" required maxLength={200} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="staff-email">{t("staff.email")}</label>
        <input id="staff-email" type="email" required autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <button type="submit" data-testid="invite">{t("staff.invite")}</button>
      </form>
      {result && <p role={result.ok ? "status" : "alert"} class={result.ok ? "good" : "problem"} data-testid="staff-result">{result.text}</p>}
    </section>
  );
}

const roleLabel = (role: string) => t(role === "leader" ? "staff.leader" : role === "dpo" ? "staff.dpo" : "staff.teacher");

/**
 * webstaff: the school's staff (GET /api/staff): name, role, and the invitations not yet accepted with their expiry.
 * webstaff3: a leader revokes a pending invitation (DELETE /api/staff/invitations/{id}) or removes a member (DELETE /api/staff/{id}),
 * each after a confirmation in the row (focus moves to it, Escape or Cancel goes back); not offered for the leader themselves.
 */
function StaffList(props: { staff: Load<Schemas["StaffMember"][]> }) {
  const staff = props.staff;
  const leader = roleOf(session.value) === "leader";
  const me = session.value?.userId;
  const [confirming, setConfirming] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const act = async (m: Schemas["StaffMember"]) => {
    const name = m.name ?? t("staff.unknownName");
    const path = { membershipId: m.membershipId };
    let ok = false, status = 0, classes = 0;
    if (m.pending) {
      const { response } = await api.DELETE("/api/staff/invitations/{membershipId}", { params: { path } });
      ok = response.ok; status = response.status;
    } else {
      const { data, response } = await api.DELETE("/api/staff/{membershipId}", { params: { path } });
      ok = response.ok; status = response.status; classes = data?.classesTaught ?? 0;
    }
    setConfirming(null);
    if (ok) {
      const done = t(m.pending ? "staffx.revoked" : "staffx.removed", { name });
      setNote({ ok: true, text: classes > 0 ? `${done} ${t("staffx.classesStay", { count: classes })}` : done });
      staff.reload();
    } else if (status === 409) setNote({ ok: false, text: t("staffx.lastController") });
    else if (status === 404) { setNote({ ok: false, text: t("staffx.gone") }); staff.reload(); }
    else setNote({ ok: false, text: t("app.error") });
  };
  return (
    <div data-testid="staff-list">
      <h2>{t("staff.listHeading")}</h2>
      {!staff.data && <Status load={staff} />}
      {staff.data && (
        <table class="staff">
          <caption class="visually-hidden">{t("staff.listHeading")}</caption>
          <thead><tr><th scope="col">{t("staff.name")}</th><th scope="col">{t("staff.role")}</th><th scope="col">{t("staff.state")}</th>
            {leader && <th scope="col">{t("staffx.actions")}</th>}</tr></thead>
          <tbody>
            {staff.data.map((m) => (
              <tr key={m.membershipId} data-testid={`staff-${m.membershipId}`}>
                <td>{m.name ?? t("staff.unknownName")}</td>
                <td>{roleLabel(m.role)}</td>
                <td>{m.pending
                  ? <span class="muted" data-testid="staff-pending">{t("staff.pending", { date: formatDate(m.invitationExpiresAt ?? "") })}</span>
                  : t("staff.active")}</td>
                {leader && <td>{m.membershipId === me ? null : confirming === m.membershipId
                  ? <ConfirmStaffAction member={m} onConfirm={() => void act(m)} onCancel={() => setConfirming(null)} />
                  : (
                    <button type="button" class="small secondary" data-testid={`${m.pending ? "revoke" : "remove"}-${m.membershipId}`}
                      aria-label={t(m.pending ? "staffx.revokeLabel" : "staffx.removeLabel", { name: m.name ?? t("staff.unknownName") })}
                      onClick={() => { setNote(null); setConfirming(m.membershipId); }}>
                      {t(m.pending ? "staffx.revoke" : "staffx.remove")}
                    </button>
                  )}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div aria-live="polite">{note && <p role={note.ok ? "status" : "alert"} class={note.ok ? "good" : "problem"} data-testid="staff-action-result">{note.text}</p>}</div>
    </div>
  );
}

/** webstaff3: the confirmation of a revocation or removal, in the member's row; focus moves to its first button. */
function ConfirmStaffAction(props: { member: Schemas["StaffMember"]; onConfirm: () => void; onCancel: () => void }) {
  const m = props.member;
  const name = m.name ?? t("staff.unknownName");
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const id = `confirm-${m.membershipId}`;
  return (
    <div role="group" aria-labelledby={id} class="warning" data-testid={`confirm-${m.membershipId}`}
      onKeyDown={(e) => { if (e.key === "Escape") props.onCancel(); }}>
      <p id={id}>{t(m.pending ? "staffx.confirmRevoke" : "staffx.confirmRemove", { name })}</p>
      <button type="button" ref={first} class="small danger" data-testid={`confirm-yes-${m.membershipId}`} onClick={props.onConfirm}>
        {t(m.pending ? "staffx.yesRevoke" : "staffx.yesRemove")}
      </button>
      <button type="button" class="small secondary" onClick={props.onCancel}>{t("staffx.cancel")}</button>
    </div>
  );
}

/** Custody: pick a student of a class, see their guardians, restrict one. */
export function CustodyPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [studentId, setStudentId] = useState("");
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const students = view.data.students.filter((s) => !s.erased);
  return (
    <section>
      <h1>{t("custody.heading", { name: view.data.name ?? "" })}</h1>
      <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
      <p class="hint">{t("custody.explain")}</p>
      <label for="custody-student">{t("custody.student")}</label>
      <select id="custody-student" value={studentId} data-testid="custody-student" onChange={(e) => setStudentId(e.currentTarget.value)}>
        <option value="">{t("custody.choose")}</option>
        {students.map((s) => <option key={s.studentId} value={s.studentId}>{s.name}</option>)}
      </select>
      {studentId && <Guardians key={studentId} studentId={studentId} />}
    </section>
  );
}

function Guardians(props: { studentId: string }) {
  const studentId = props.studentId;
  const student = useLoad(() => api.GET("/api/students/{studentId}", { params: { path: { studentId } } }), [studentId]);
  const [note, setNote] = useState<string | null>(null);
  if (student.status !== "ok" || !student.data) return <Status load={student} />;
  const guardians: Schemas["GuardianView"][] = student.data.guardians ?? [];
  const restrict = async (g: Schemas["GuardianView"]) => {
    if (!window.confirm(t("custody.confirm", { name: g.name ?? "" }))) return;
    const { response } = await api.POST("/api/students/{studentId}/guardians/{guardianId}/restriction", {
      params: { path: { studentId, guardianId: g.guardianId } },
    });
    setNote(response.ok ? t("custody.done", { name: g.name ?? "" }) : t("app.error"));
    student.reload();
  };
  return (
    <div class="panel">
      <h2>{t("custody.guardians", { name: student.data.name ?? "" })}</h2>
      {guardians.length === 0 && <p>{t("custody.none")}</p>}
      <ul class="list" data-testid="guardians">
        {guardians.map((g) => (
          <li key={g.guardianId}>
            <strong>{g.name}</strong>{" "}
            {g.restricted
              ? <span class="muted" data-testid={`restricted-${g.guardianId}`}>{t("custody.restricted")}</span>
              : <button type="button" class="small danger" data-testid={`restrict-${g.guardianId}`} onClick={() => void restrict(g)}>
                  {t("custody.restrict", { name: g.name ?? "" })}</button>}
          </li>
        ))}
      </ul>
      <div aria-live="polite">{note && <p class="toast">{note}</p>}</div>
    </div>
  );
}

/** A school-wide announcement (POST /api/school/announcements): every family with a child in the school; a leader may mark it urgent. */
export function SchoolAnnouncePage() {
  const [text, setText] = useState("");
  const [urgent, setUrgent] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section class="narrow-wide">
      <h1>{t("schoolAnnounce.heading")}</h1>
      <p><Link href="/">{t("schoolAnnounce.back")}</Link></p>
      <p class="hint">{t("schoolAnnounce.explain")}</p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const { data, response } = await api.POST("/api/school/announcements", { body: { text, urgent } });
        setBusy(false);
        if (data) { setText(""); setUrgent(false); setResult({ ok: true, text: t("announce.sent", { count: data.recipients }) }); }
        else setResult({ ok: false, text: response.status === 400 ? t("announce.invalid") : t("app.error") });
      }}>
        <label for="school-announce-text">{t("announce.text")}</label>
        <textarea id="school-announce-text" rows={5} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <p class="check">
          <input type="checkbox" id="school-announce-urgent" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
          <label for="school-announce-urgent">{t("announce.urgent")}</label>
        </p>
        <p class="hint">{t("announce.urgentHint")}</p>
        <button type="submit" disabled={busy || text.trim() === ""} data-testid="school-announce">{t("schoolAnnounce.send")}</button>
      </form>
      {result && <p role={result.ok ? "status" : "alert"} class={result.ok ? "good" : "problem"} data-testid="school-announce-result">{result.text}</p>}
    </section>
  );
}
