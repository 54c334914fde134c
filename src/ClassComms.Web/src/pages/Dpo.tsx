import { useState } from "preact/hooks";
import { api } from "../api";
import { formatDate, t } from "../i18n";
import { Status, useLoad } from "../ui";
import { lazyPage } from "../lazy";
// webstaff: the staff exports and the incident register's forms, loaded on first use (out of the parent's first download).
const IncidentsSection = lazyPage(() => import("./DpoRegister").then((m) => m.IncidentsSection));
const StaffExportsSection = lazyPage(() => import("./DpoRegister").then((m) => m.StaffExportsSection));
import { ErasureRequestsSection, ExportsSection, RetentionSection, SubjectActions, type ExportScope } from "./DpoPrivacy";

export function DpoHome() {
  const requests = useLoad(() => api.GET("/api/dpo/requests"), []);
  const access = useLoad(() => api.GET("/api/dpo/access-log", { params: { query: { limit: 20 } as never } }), []);
  const classes = useLoad(() => api.GET("/api/classes"), []);
  const [scope, setScope] = useState<ExportScope>("all");
  return (
    <section>
      <h1>{t("dpo.heading")}</h1>
      <h2>{t("dpo.requests")}</h2>
      <Status load={requests} />
      {requests.data && (requests.data.length === 0 ? <p>{t("dpo.noRequests")}</p> : (
        <ul class="list">
          {requests.data.map((r) => (
            <li key={r.requestId} class={r.overdue ? "work" : ""}>
              {r.kind} · {r.subjectKind} · {r.state} — <time dateTime={r.dueAt}>{t("dpo.due", { date: formatDate(r.dueAt) })}</time>
            </li>
          ))}
        </ul>
      ))}
      <ErasureRequestsSection onChange={requests.reload} />
      <ExportsSection />
      <h2>{t("dpo.students")}</h2>
      <p class="hint">{t("dpox.subjectsHint")}</p>
      <label for="export-scope">{t("dpox.scope")}</label>
      <select id="export-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as ExportScope)}>
        <option value="all">{t("dpox.scope.all")}</option>
        <option value="providedBySubject">{t("dpox.scope.providedBySubject")}</option>
      </select>
      {classes.data?.map((c) => <ClassErasure key={c.classId} classId={c.classId} scope={scope} />)}
      <StaffExportsSection scope={scope} />
      <RetentionSection />
      <h2>{t("dpo.accessLog")}</h2>
      <Status load={access} />
      {access.data && (access.data.entries.length === 0 ? <p>{t("dpo.noAccess")}</p> : (
        <ul class="list">
          {access.data.entries.map((e) => (
            <li key={e.entryId}><time dateTime={e.at}>{formatDate(e.at)}</time> · {e.readerRole} · {e.kind}</li>
          ))}
        </ul>
      ))}
      <IncidentsSection />
    </section>
  );
}

function ClassErasure(props: { classId: string; scope: ExportScope }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [done, setDone] = useState<string | null>(null);
  if (!view.data) return <Status load={view} />;
  return (
    <div class="panel">
      <h3>{view.data.name}</h3>
      <ul class="list">
        {view.data.students.filter((s) => !s.erased).map((s) => (
          <li key={s.studentId}>
            {s.name}{" "}
            <button type="button" class="small danger" data-testid={`erase-${s.studentId}`} onClick={async () => {
              if (!window.confirm(t("dpo.confirmErase"))) return;
              await api.POST("/api/privacy/students/{studentId}/erasure", { params: { path: { studentId: s.studentId } } });
              setDone(t("dpo.erased"));
              view.reload();
            }}>{t("dpo.erase", { name: s.name ?? "" })}</button>
            <SubjectActions studentId={s.studentId} name={s.name ?? ""} scope={props.scope} />
          </li>
        ))}
      </ul>
      {done && <p role="status">{done}</p>}
    </div>
  );
}
