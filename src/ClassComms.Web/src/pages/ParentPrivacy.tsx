import { useState } from "preact/hooks";
import { api, session, type Schemas } from "../api";
import { formatDate, lang, t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Status, useLoad } from "../ui";
import { download } from "../media";

type Access = Schemas["StudentAccessView"];
const roleKey = (role: string) => {
  const r = role.toLowerCase();
  return (`role.${["guardian", "teacher", "leader", "dpo", "student"].includes(r) ? r : "teacher"}` as MessageKey);
};
const accessKinds = ["record", "points", "consents", "birthDate", "parentCodes", "messages", "portfolio", "mediaDownload", "export"];
const accessKey = (kind?: string | null) => (`access.kind.${kind && accessKinds.includes(kind) ? kind : "other"}` as MessageKey);

/** "Who viewed my child's data": the staff reads of the child's data, newest first, a page at a time. */
export function AccessLogSection(props: { studentId: string }) {
  const studentId = props.studentId;
  const first = useLoad(() => api.GET("/api/students/{studentId}/access-log", { params: { path: { studentId }, query: { limit: 20 } as never } }),
    [studentId]);
  const [older, setOlder] = useState<{ entries: Access[]; next?: number | null } | null>(null);
  if (first.status !== "ok" || !first.data) return <><h2>{t("access.heading")}</h2><Status load={first} /></>;
  const entries = [...first.data.entries, ...(older?.entries ?? [])];
  const next = older ? older.next : first.data.next;
  return (
    <div data-testid="access-log">
      <h2>{t("access.heading")}</h2>
      <p class="hint">{t("access.hint")}</p>
      {entries.length === 0 ? <p>{t("access.none")}</p> : (
        <ul class="list">
          {entries.map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at}>{formatDate(e.at)}</time> — <strong>{e.staffName ?? t("access.erasedStaff")}</strong>{" "}
              <span class="muted">({t(roleKey(e.role))})</span>: {t(accessKey(e.what))}
            </li>
          ))}
        </ul>
      )}
      {next != null && (
        <button type="button" class="small" onClick={async () => {
          const { data } = await api.GET("/api/students/{studentId}/access-log",
            { params: { path: { studentId }, query: { limit: 20, before: next } as never } });
          if (data) setOlder({ entries: [...(older?.entries ?? []), ...data.entries], next: data.next });
        }}>{t("access.older")}</button>
      )}
    </div>
  );
}

const stateKey = (state: string) =>
  (`erasure.state.${["received", "approved", "refused", "completed"].includes(state) ? state : "other"}` as MessageKey);
const reasons = ["legalHold", "ongoingInvestigation", "legalObligation", "publicInterestArchiving", "other"];
export const reasonKey = (reason: string) => (`erasure.reason.${reasons.includes(reason) ? reason : "other"}` as MessageKey);

/** The status of one erasure request, in words (state, deadline, a refusal's reason). */
export function ErasureStatus(props: { request: Schemas["ErasureRequestView"] }) {
  const r = props.request;
  return (
    <span data-testid={`erasure-state-${r.state}`}>
      <strong>{t(stateKey(r.certificateIssuedAt ? "completed" : r.state))}</strong>
      {r.state === "received" && <> — <time dateTime={r.dueAt}>{t("dpo.due", { date: formatDate(r.dueAt) })}</time></>}
      {r.refusalReason && <> — {t(reasonKey(r.refusalReason))}</>}
    </span>
  );
}

/**
 * "My data" (a parent): ask for the erasure of their own data or of a child's (the DPO decides), and follow each request's status.
 * webparent: and ask for a copy of their own data (`POST /api/guardians/me/exports`, one open at a time), follow its status live
 * (`ExportProgressed`) and download it once ready.
 */
export function MyDataPage() {
  const me = session.value?.userId ?? "";
  const children = useLoad(() => api.GET("/api/guardians/me/children"), []);
  const requests = useLoad(() => api.GET("/api/erasure-requests"), []);
  const [subject, setSubject] = useState("me");
  const [note, setNote] = useState("");
  const [sure, setSure] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const nameOf = (subjectId: string) =>
    subjectId === me ? t("mydata.me") : children.data?.find((c) => c.studentId === subjectId)?.name ?? t("mydata.child");
  return (
    <section>
      <h1>{t("mydata.heading")}</h1>
      <MyExports />
      <h2>{t("mydata.requests")}</h2>
      <Status load={requests} />
      {requests.data && (requests.data.length === 0 ? <p>{t("mydata.noRequests")}</p> : (
        <ul class="list" data-testid="my-erasure-requests">
          {requests.data.map((r) => (
            <li key={r.requestId}>
              {t("mydata.erasureOf", { name: nameOf(r.subjectId) })}, <time dateTime={r.receivedAt}>{formatDate(r.receivedAt)}</time>:{" "}
              <ErasureStatus request={r} />
            </li>
          ))}
        </ul>
      ))}
      <form class="panel" onSubmit={async (e) => {
        e.preventDefault();
        const body = { note: note.trim() || null };
        const result = subject === "me"
          ? await api.POST("/api/erasure-requests/guardians/{guardianId}", { params: { path: { guardianId: me } }, body })
          : await api.POST("/api/erasure-requests/students/{studentId}", { params: { path: { studentId: subject } }, body });
        if (result.data) {
          setMessage({ ok: true, text: t("mydata.sent") });
          setNote(""); setSure(false);
          requests.reload();
        } else {
          setMessage({ ok: false, text: result.response.status === 409 ? t("mydata.alreadyOpen") : t("app.error") });
        }
      }}>
        <h2>{t("mydata.ask")}</h2>
        <p class="hint">{t("mydata.askHint")}</p>
        <label for="erasure-subject">{t("mydata.whose")}</label>
        <select id="erasure-subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)}>
          <option value="me">{t("mydata.me")}</option>
          {children.data?.map((c) => <option key={c.studentId} value={c.studentId}>{c.name}</option>)}
        </select>
        <label for="erasure-note">{t("mydata.note")}</label>
        <textarea id="erasure-note" rows={3} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <label class="check">
          <input type="checkbox" checked={sure} required onChange={(e) => setSure(e.currentTarget.checked)} /> {t("mydata.sure")}
        </label>
        {message && <p role={message.ok ? "status" : "alert"} class={message.ok ? "" : "problem"}>{message.text}</p>}
        <button type="submit" class="danger" data-testid="ask-erasure">{t("mydata.submit")}</button>
      </form>
    </section>
  );
}

const exportStates = ["queued", "collecting", "writing", "completed", "expired", "shredded"];
const exportStateKey = (state: string) => (`dpox.export.${exportStates.includes(state) ? state : "queued"}` as MessageKey);

/** webparent: a copy of one's own data: ask for it, follow its status (pushed as it is built), download it when ready. */
function MyExports() {
  const exports = useLoad(() => api.GET("/api/guardians/me/exports"), [], (name) => name === "ExportProgressed");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // webdpo3: Law 25's portability right covers what the person provided: everything (access) or only that.
  const [scope, setScope] = useState<"all" | "providedBySubject">("all");
  return (
    <div data-testid="my-exports">
      <h2>{t("mydata.export")}</h2>
      <p class="hint">{t("myexport.explain")}</p>
      <Status load={exports} />
      {exports.data && exports.data.length > 0 && (
        <ul class="list">
          {exports.data.map((e) => (
            <li key={e.exportId} data-testid={`my-export-${e.state}`}>
              <time dateTime={e.requestedAt}>{formatDate(e.requestedAt)}</time>: <strong>{t(exportStateKey(e.state))}</strong>
              {" "}<span class="muted" data-testid="my-export-scope">({t(e.scope === "providedBySubject" ? "myexport3.scope.provided" : "myexport3.scope.all")})</span>
              {!e.completedAt && !e.deletedAt && <> — <time dateTime={e.dueAt}>{t("dpo.due", { date: formatDate(e.dueAt) })}</time></>}
              {e.state === "completed" && e.expiresAt && <>{" "}
                <button type="button" class="small" data-testid="my-export-download" onClick={async () => {
                  if (!await download(`/api/exports/${e.exportId}/download`, `my-data-${e.exportId}.zip`)) setMessage({ ok: false, text: t("dpox.downloadFailed") });
                }}>{t("myexport.download")}</button>
                <span class="muted"> {t("myexport.until", { date: formatDate(e.expiresAt) })}</span>
              </>}
            </li>
          ))}
        </ul>
      )}
      {message && <p role={message.ok ? "status" : "alert"} class={message.ok ? "" : "problem"}>{message.text}</p>}
      <fieldset>
        <legend>{t("myexport3.scope")}</legend>
        {(["all", "providedBySubject"] as const).map((s) => (
          <label key={s} class="check">
            <input type="radio" name="my-export-scope" value={s} checked={scope === s} data-testid={`my-export-scope-${s}`}
              onChange={() => setScope(s)} /> {t(s === "all" ? "myexport3.scope.all" : "myexport3.scope.provided")}
          </label>
        ))}
      </fieldset>
      <button type="button" disabled={busy} data-testid="ask-export" onClick={async () => {
        setBusy(true);
        const { data, response } = await api.POST("/api/guardians/me/exports", { body: { language: lang.value, scope } });
        setBusy(false);
        if (data) { setMessage({ ok: true, text: t("myexport.requested") }); exports.reload(); }
        else setMessage({ ok: false, text: response.status === 409 ? t("myexport.alreadyOpen") : t("app.error") });
      }}>{t("myexport.ask")}</button>
    </div>
  );
}
