import { useState } from "preact/hooks";
import { api, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { download } from "../media";
import { signal, useSignals } from "../signal";
import { Status, useLoad } from "../ui";
import { ErasureStatus, reasonKey } from "./ParentPrivacy";

export type ExportScope = "all" | "providedBySubject";

// Names the page already shows (students from the rosters, guardians once listed), so the lists of requests and exports (ids
// only in the API's views) can say whose they are. Nothing is stored: it lives as long as the page.
export const names = new Map<string, string>();
const exportsChanged = signal(0);
const nameOf = (id: string) => names.get(id) ?? t("dpox.unknownSubject");
const kindKey = (kind: string) => (`dpox.subject.${["student", "guardian", "staff", "school"].includes(kind) ? kind : "student"}` as MessageKey);
const exportStateKey = (state: string) =>
  (`dpox.export.${["queued", "collecting", "writing", "completed", "expired", "shredded"].includes(state) ? state : "queued"}` as MessageKey);
const refusalReasons = ["legalHold", "ongoingInvestigation", "legalObligation", "publicInterestArchiving", "other"];

/** A student's row on the DPO page: export their data, and list their guardians (export, erase). */
export function SubjectActions(props: { studentId: string; name: string; scope: ExportScope }) {
  names.set(props.studentId, props.name);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  return (
    <>
      <button type="button" class="small" data-testid={`export-${props.studentId}`}
        onClick={async () => setNote(await requestExport("student", props.studentId, props.scope))}>{t("dpox.exportOf", { name: props.name })}</button>
      <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)}>{t("dpox.guardiansOf", { name: props.name })}</button>
      {note && <p role="status">{note}</p>}
      {open && <Guardians studentId={props.studentId} scope={props.scope} />}
    </>
  );
}

export async function requestExport(subjectKind: string, subjectId: string, scope: ExportScope): Promise<string> {
  const { data } = await api.POST("/api/exports", { body: { subjectKind, subjectId, scope, language: null } as never });
  exportsChanged.value++;
  return data ? t("dpox.exportRequested") : t("app.error");
}

function Guardians(props: { studentId: string; scope: ExportScope }) {
  const studentId = props.studentId;
  const student = useLoad(() => api.GET("/api/students/{studentId}", { params: { path: { studentId } } }), [studentId]);
  const [note, setNote] = useState<string | null>(null);
  if (student.status !== "ok" || !student.data) return <Status load={student} />;
  const guardians = student.data.guardians ?? [];
  for (const g of guardians) names.set(g.guardianId, g.name ?? "");
  return (
    <div class="panel">
      {guardians.length === 0 ? <p>{t("dpox.noGuardians")}</p> : (
        <ul class="list">
          {guardians.map((g) => (
            <li key={g.guardianId}>
              {g.name ?? t("dpox.unknownSubject")}{" "}
              <button type="button" class="small" data-testid={`export-guardian-${g.guardianId}`}
                onClick={async () => setNote(await requestExport("guardian", g.guardianId, props.scope))}>{t("dpox.exportOf", { name: g.name ?? "" })}</button>
              <button type="button" class="small danger" data-testid={`erase-guardian-${g.guardianId}`} onClick={async () => {
                if (!window.confirm(t("dpox.confirmEraseGuardian"))) return;
                const { response } = await api.POST("/api/privacy/guardians/{guardianId}/erasure", { params: { path: { guardianId: g.guardianId } } });
                setNote(response.ok ? t("dpo.erased") : t("app.error"));
                student.reload();
              }}>{t("dpo.erase", { name: g.name ?? "" })}</button>
            </li>
          ))}
        </ul>
      )}
      {note && <p role="status">{note}</p>}
    </div>
  );
}

/** The school's exports, newest first: whose, state and progress (live by `ExportProgressed`), deadline, and the download. */
export function ExportsSection() {
  useSignals(exportsChanged);
  const exports = useLoad(() => api.GET("/api/exports", {}), [exportsChanged.value], (name) => name === "ExportProgressed");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div data-testid="exports">
      <h2>{t("dpox.exports")}</h2>
      {!exports.data && <Status load={exports} />}
      {exports.data && (exports.data.length === 0 ? <p>{t("dpox.noExports")}</p> : (
        <ul class="list">
          {exports.data.slice(0, 20).map((e) => (
            <li key={e.exportId} data-testid={`export-row-${e.subjectId}`} class={e.overdue ? "work" : ""}>
              {t(kindKey(e.subjectKind))}: <strong>{nameOf(e.subjectId)}</strong> —{" "}
              <span data-testid="export-state">{t(exportStateKey(e.state))}</span>
              {!e.completedAt && <> ({t("dpox.items", { count: e.itemsDone })}) — <time dateTime={e.dueAt}>{t("dpo.due", { date: formatDate(e.dueAt) })}</time></>}
              {e.extended && <span class="muted" data-testid="export-extended"> · {t("dpos.extended")}</span>}
              {!e.completedAt && !e.deletedAt && !e.extended && <ExtendExport exportId={e.exportId} onDone={exports.reload} />}
              {e.state === "completed" && (
                <>
                  {" "}<span class="muted">{t("dpox.size", { kb: Math.max(1, Math.round(e.size / 1024)), files: e.files })}</span>
                  {e.expiresAt && <span class="muted"> · {t("dpox.expires", { date: formatDate(e.expiresAt) })}</span>}{" "}
                  <button type="button" class="small" data-testid="download-export" onClick={async () => {
                    const ok = await download(`/api/exports/${e.exportId}/download`, `export-${e.exportId}.zip`);
                    setProblem(ok ? null : t("dpox.downloadFailed"));
                  }}>{t("dpox.download")}</button>
                </>
              )}
            </li>
          ))}
        </ul>
      ))}
      {problem && <p role="alert" class="problem">{problem}</p>}
    </div>
  );
}

/** webstaff: extend an open export's deadline once, with a reason told to the subject (POST /api/exports/{exportId}/extension). */
function ExtendExport(props: { exportId: string; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = props.exportId;
  if (!open) return <>{" "}<button type="button" class="small" data-testid="extend-export" onClick={() => setOpen(true)}>{t("dpos.extend")}</button></>;
  return (
    <form class="inline" onSubmit={async (ev) => {
      ev.preventDefault();
      const { response } = await api.POST("/api/exports/{exportId}/extension", { params: { path: { exportId: id } }, body: { reason } });
      if (response.ok) { setOpen(false); props.onDone(); }
      else setProblem(response.status === 409 ? t("dpos.extendRefused") : t("app.error"));
    }}>
      <label for={`extend-reason-${id}`}>{t("dpos.extendReason")}</label>
      <input id={`extend-reason-${id}`} required maxLength={2000} value={reason} onInput={(ev) => setReason(ev.currentTarget.value)} />
      <button type="submit" class="small" data-testid="confirm-extend-export">{t("dpos.extend")}</button>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </form>
  );
}

/** webstaff: extend an open erasure request's deadline once, with a reason code and a note (POST /api/erasure-requests/{id}/extension). */
function ExtendErasure(props: { requestId: string; onDone: () => void }) {
  const [reason, setReason] = useState("complexity");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = props.requestId;
  return (
    <form class="inline" onSubmit={async (ev) => {
      ev.preventDefault();
      const { response } = await api.POST("/api/erasure-requests/{requestId}/extension",
        { params: { path: { requestId: id } }, body: { reason, note: note.trim() || null } });
      if (response.ok) props.onDone(); else setProblem(response.status === 409 ? t("dpos.extendRefused") : t("app.error"));
    }}>
      <label for={`extension-reason-${id}`}>{t("dpos.extendReason")}</label>
      <select id={`extension-reason-${id}`} value={reason} onChange={(ev) => setReason(ev.currentTarget.value)}>
        {(["complexity", "numberOfRequests", "other"] as const).map((code) => <option key={code} value={code}>{t(`dpos.extension.${code}`)}</option>)}
      </select>
      <label for={`extension-note-${id}`}>{t("dpox.refusalNote")}</label>
      <input id={`extension-note-${id}`} maxLength={2000} value={note} onInput={(ev) => setNote(ev.currentTarget.value)} />
      <button type="submit" class="small" data-testid="extend-erasure">{t("dpos.extend")}</button>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </form>
  );
}

/** Erasure requests: approve, or refuse with a reason (and a note); a completed one's certificate to view or download. */
export function ErasureRequestsSection(props: { onChange: () => void }) {
  const requests = useLoad(() => api.GET("/api/erasure-requests"), []);
  return (
    <div data-testid="erasure-requests">
      <h2>{t("dpox.erasureRequests")}</h2>
      {!requests.data && <Status load={requests} />}
      {requests.data && (requests.data.length === 0 ? <p>{t("dpox.noErasureRequests")}</p> : (
        <ul class="list">
          {requests.data.slice(0, 30).map((r) => (
            <ErasureRequestRow key={r.requestId} request={r} onChange={() => { requests.reload(); props.onChange(); }} />
          ))}
        </ul>
      ))}
    </div>
  );
}

function ErasureRequestRow(props: { request: Schemas["ErasureRequestView"]; onChange: () => void }) {
  const r = props.request;
  const [reason, setReason] = useState("legalHold");
  const [note, setNote] = useState("");
  const [certificate, setCertificate] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [requesterNote, setRequesterNote] = useState<string | null>(null);
  const id = r.requestId;
  return (
    <li data-testid={`erasure-request-${r.subjectId}`}>
      <p>
        {t(kindKey(r.subjectKind))}: <strong>{nameOf(r.subjectId)}</strong> — {t("dpox.askedBy", { role: t(roleKey(r.requesterRole)) })},{" "}
        <time dateTime={r.receivedAt}>{formatDate(r.receivedAt)}</time>: <ErasureStatus request={r} />
        {r.state === "received" && <> — <time dateTime={r.dueAt} data-testid="erasure-due">{t("dpo.due", { date: formatDate(r.dueAt) })}</time></>}
        {r.extended && <span class="muted" data-testid="erasure-extended"> · {t("dpos.extended")}</span>}
      </p>
      {requesterNote === null ? (
        <button type="button" class="small" data-testid="read-note" onClick={async () => {
          // The list carries no notes; the request itself, read by the DPO, has them (unsealed at read time).
          const { data } = await api.GET("/api/erasure-requests/{requestId}", { params: { path: { requestId: id } } });
          if (data) setRequesterNote(data.note ?? t("dpox.noNote")); else setProblem(t("app.error"));
        }}>{t("dpox.readNote")}</button>
      ) : <p class="muted" data-testid="requester-note">{t("dpox.note")}: {requesterNote}</p>}
      {r.state === "received" && (
        <div class="toolbar">
          <button type="button" class="small" data-testid="approve-erasure" onClick={async () => {
            if (!window.confirm(t("dpox.confirmApprove"))) return;
            const { response } = await api.POST("/api/erasure-requests/{requestId}/approval", { params: { path: { requestId: id } } });
            if (response.ok) props.onChange(); else setProblem(t("app.error"));
          }}>{t("dpox.approve")}</button>
          <form class="inline" onSubmit={async (e) => {
            e.preventDefault();
            const { response } = await api.POST("/api/erasure-requests/{requestId}/refusal",
              { params: { path: { requestId: id } }, body: { reason, note: note.trim() || null } });
            if (response.ok) props.onChange(); else setProblem(t("app.error"));
          }}>
            <label for={`reason-${id}`}>{t("dpox.reason")}</label>
            <select id={`reason-${id}`} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
              {refusalReasons.map((code) => <option key={code} value={code}>{t(reasonKey(code))}</option>)}
            </select>
            <label for={`refusal-note-${id}`}>{t("dpox.refusalNote")}</label>
            <input id={`refusal-note-${id}`} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            <button type="submit" class="small danger" data-testid="refuse-erasure">{t("dpox.refuse")}</button>
          </form>
          {!r.extended && <ExtendErasure requestId={id} onDone={props.onChange} />}
        </div>
      )}
      {r.certificateIssuedAt && (
        <div class="toolbar">
          <button type="button" class="small" aria-expanded={certificate !== null} data-testid="view-certificate" onClick={async () => {
            if (certificate !== null) { setCertificate(null); return; }
            const { data } = await api.GET("/api/erasure-requests/{requestId}/certificate", { params: { path: { requestId: id } } });
            if (data) setCertificate(JSON.stringify(data, null, 2)); else setProblem(t("app.error"));
          }}>{certificate !== null ? t("dpox.hideCertificate") : t("dpox.viewCertificate")}</button>
          <button type="button" class="small" onClick={async () => {
            if (!await download(`/api/erasure-requests/${id}/certificate`, `erasure-certificate-${id}.json`)) setProblem(t("app.error"));
          }}>{t("dpox.downloadCertificate")}</button>
        </div>
      )}
      {certificate !== null && <pre class="certificate" tabIndex={0} aria-label={t("dpox.certificate")} data-testid="certificate">{certificate}</pre>}
      {problem && <p role="alert" class="problem">{problem}</p>}
    </li>
  );
}

const roleKey = (role: string) => {
  const r = role.toLowerCase();
  return (`role.${["guardian", "teacher", "leader", "dpo", "student"].includes(r) ? r : "teacher"}` as MessageKey);
};

/** What the next retention run would do now, without doing it (ids and counts only). */
export function RetentionSection() {
  const preview = useLoad(() => api.GET("/api/retention/preview"), []);
  const p = preview.data;
  return (
    <div data-testid="retention">
      <h2>{t("dpox.retention")}</h2>
      {!p && <Status load={preview} />}
      {p && (
        <ul class="list">
          <li>{t("dpox.retentionPolicy", { points: p.policy.pointsMonths, inactive: p.policy.inactiveStudentMonths, exports: p.policy.exportDays })}</li>
          <li>{t("dpox.retentionPoints", { count: p.pointsShredded, date: formatDate(p.pointsCutoff) })}</li>
          {p.legacyPointsNotShredded > 0 && <li>{t("dpox.retentionLegacy", { count: p.legacyPointsNotShredded })}</li>}
          <li>{t("dpox.retentionStudents", { count: p.studentsErased.length, date: formatDate(p.inactiveSince) })}</li>
          {Object.entries(p.other).map(([kind, ids]) => <li key={kind}>{t("dpox.retentionOther", { kind, count: ids.length })}</li>)}
        </ul>
      )}
    </div>
  );
}
