import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Status, useLoad } from "../ui";
import { names, requestExport, type ExportScope } from "./DpoPrivacy";

// webstaff: the DPO's staff exports (GET /api/staff, POST /api/exports with subjectKind "staff") and the confidentiality incident
// register (record, notify, correct, record measures, withdraw: /api/dpo/incidents…).

/** The school's staff, each with an export of their data (pending invitations have no data yet and no button). */
export function StaffExportsSection(props: { scope: ExportScope }) {
  const staff = useLoad(() => api.GET("/api/staff"), []);
  const [note, setNote] = useState<string | null>(null);
  return (
    <div data-testid="dpo-staff">
      <h2>{t("dpos.staff")}</h2>
      {!staff.data && <Status load={staff} />}
      {staff.data && (
        <ul class="list">
          {staff.data.filter((m) => !m.pending).map((m) => {
            names.set(m.membershipId, m.name ?? "");
            return (
              <li key={m.membershipId}>
                {m.name ?? t("dpox.unknownSubject")} <span class="muted">({t(roleKey(m.role))})</span>{" "}
                <button type="button" class="small" data-testid={`export-staff-${m.membershipId}`}
                  onClick={async () => setNote(await requestExport("staff", m.membershipId, props.scope))}>
                  {t("dpox.exportOf", { name: m.name ?? "" })}</button>
              </li>
            );
          })}
        </ul>
      )}
      {note && <p role="status">{note}</p>}
    </div>
  );
}

const roleKey = (role: string) => (role === "leader" ? "staff.leader" : role === "dpo" ? "staff.dpo" : "staff.teacher") as MessageKey;
const categories = ["identity", "contact", "credentials", "messages", "media", "points", "consents", "birthDate", "portfolio", "accessLog", "other"];
const means = ["email", "letter", "phone", "inPerson", "publicNotice"];
const withdrawals = ["recordedInError", "duplicate", "notAnIncident"];
const categoryKey = (c: string) => `dpos.category.${c}` as MessageKey;
const clockKey = (s: string) =>
  `dpos.clock.${["notified", "notifiedLate", "running", "overdue", "notRequired", "withdrawn"].includes(s) ? s : "running"}` as MessageKey;

/** A datetime-local value (the browser's local time) as an ISO instant; the API refuses dates in the future. */
const instant = (local: string) => new Date(local).toISOString();
const nowLocal = () => {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

export function IncidentsSection() {
  const incidents = useLoad(() => api.GET("/api/dpo/incidents"), []);
  const [adding, setAdding] = useState(false);
  return (
    <div data-testid="incidents">
      <h2>{t("dpo.incidents")}</h2>
      {!adding
        ? <button type="button" data-testid="new-incident" onClick={() => setAdding(true)}>{t("dpos.newIncident")}</button>
        : <NewIncident onDone={() => { setAdding(false); incidents.reload(); }} />}
      {!incidents.data && <Status load={incidents} />}
      {incidents.data && (incidents.data.length === 0 ? <p>{t("dpo.noIncidents")}</p> : (
        <ul class="list">
          {incidents.data.map((i) => <IncidentRow key={i.incidentId} incident={i} onChange={incidents.reload} />)}
        </ul>
      ))}
    </div>
  );
}

function NewIncident(props: { onDone: () => void }) {
  const [occurredAt, setOccurredAt] = useState(nowLocal());
  const [discoveredAt, setDiscoveredAt] = useState(nowLocal());
  const [nature, setNature] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [count, setCount] = useState("1");
  const [measures, setMeasures] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      if (chosen.length === 0) { setProblem(t("dpos.incidentInvalid")); return; }
      const { response } = await api.POST("/api/dpo/incidents", { body: {
        occurredAt: instant(occurredAt), discoveredAt: instant(discoveredAt), nature, dataCategories: chosen, subjectIds: [],
        subjectCount: Number(count), measures: measures.trim() || null,
      } });
      if (response.ok) props.onDone(); else setProblem(response.status === 400 ? t("dpos.incidentInvalid") : t("app.error"));
    }}>
      <h3>{t("dpos.newIncident")}</h3>
      <label for="incident-occurred">{t("dpos.occurredAt")}</label>
      <input id="incident-occurred" type="datetime-local" required value={occurredAt} onInput={(e) => setOccurredAt(e.currentTarget.value)} />
      <label for="incident-discovered">{t("dpos.discoveredAt")}</label>
      <input id="incident-discovered" type="datetime-local" required value={discoveredAt} onInput={(e) => setDiscoveredAt(e.currentTarget.value)} />
      <label for="incident-nature">{t("dpos.nature")}</label>
      <textarea id="incident-nature" required maxLength={4000} rows={3} value={nature} onInput={(e) => setNature(e.currentTarget.value)} />
      <fieldset>
        <legend>{t("dpos.categories")}</legend>
        {categories.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" checked={chosen.includes(c)} data-testid={`category-${c}`}
              onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, c] : chosen.filter((x) => x !== c))} /> {t(categoryKey(c))}
          </label>
        ))}
      </fieldset>
      <label for="incident-count">{t("dpos.subjectCount")}</label>
      <input id="incident-count" type="number" min={0} required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
      <label for="incident-measures">{t("dpos.measures")}</label>
      <textarea id="incident-measures" maxLength={4000} rows={2} value={measures} onInput={(e) => setMeasures(e.currentTarget.value)} />
      <button type="submit" data-testid="record-incident">{t("dpos.record")}</button>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </form>
  );
}

type Action = null | "notify" | "correct" | "measures" | "withdraw" | "risk";

function IncidentRow(props: { incident: Schemas["IncidentView"]; onChange: () => void }) {
  const i = props.incident;
  const [action, setAction] = useState<Action>(null);
  const withdrawn = !!i.withdrawal;
  const done = () => { setAction(null); props.onChange(); };
  const toggle = (a: Action) => setAction(action === a ? null : a);
  const riskButton = useRef<HTMLButtonElement>(null);
  const [history, setHistory] = useState(false);
  return (
    <li data-testid={`incident-${i.incidentId}`}>
      <p>
        <time dateTime={i.discoveredAt}>{formatDate(i.discoveredAt)}</time> · <span data-testid="incident-nature">{i.nature}</span> ·{" "}
        {t("dpos.people", { count: i.subjectCount })} · <span data-testid="incident-clock">{t(clockKey(i.authorityClock.state))}</span>
        {!withdrawn && i.authorityClock.state === "running" && <> ({t("dpo.due", { date: formatDate(i.authorityClock.dueAt) })})</>}
        {withdrawn && <> · <strong data-testid="incident-withdrawn">{t("dpos.withdrawn")}</strong></>}
      </p>
      {i.authorityNotifications.length + i.peopleNotifications.length > 0 && (
        <p class="muted" data-testid="incident-notifications">
          {i.authorityNotifications.map((n) => t("dpos.notifiedAuthority", { authority: n.authority, date: formatDate(n.notifiedAt) })).join(" · ")}
          {i.authorityNotifications.length > 0 && i.peopleNotifications.length > 0 && " · "}
          {i.peopleNotifications.map((n) => t("dpos.notifiedPeople", { count: n.count, date: formatDate(n.notifiedAt) })).join(" · ")}
        </p>
      )}
      {i.measures && <p class="muted">{t("dpos.measures")}: {i.measures}</p>}
      <RiskSummary incident={i} />
      {!withdrawn && (
        <div class="toolbar">
          <button type="button" class="small" aria-expanded={action === "notify"} data-testid="incident-notify" onClick={() => toggle("notify")}>{t("dpos.notify")}</button>
          <button type="button" class="small" aria-expanded={action === "correct"} data-testid="incident-correct" onClick={() => toggle("correct")}>{t("dpos.correct")}</button>
          <button type="button" class="small" aria-expanded={action === "measures"} onClick={() => toggle("measures")}>{t("dpos.addMeasures")}</button>
          <button type="button" class="small" ref={riskButton} aria-expanded={action === "risk"} data-testid="incident-assess-risk"
            onClick={() => toggle("risk")}>{t("risk3.assess")}</button>
          <button type="button" class="small danger" aria-expanded={action === "withdraw"} data-testid="incident-withdraw" onClick={() => toggle("withdraw")}>{t("dpos.withdraw")}</button>
        </div>
      )}
      {action === "notify" && <Notify incident={i} onDone={done} />}
      {action === "correct" && <Correct incident={i} onDone={done} />}
      {action === "measures" && <Measures incident={i} onDone={done} />}
      {action === "withdraw" && <Withdraw incident={i} onDone={done} />}
      {action === "risk" && <AssessRisk incident={i} onDone={() => { done(); riskButton.current?.focus(); }} />}
      <button type="button" class="small" aria-expanded={history} data-testid="incident-history-toggle" onClick={() => setHistory(!history)}>
        {t("risk3.history")}</button>
      {history && <History key={i.updatedAt} incidentId={i.incidentId} />}
    </li>
  );
}

function useProblem() {
  const [problem, setProblem] = useState<string | null>(null);
  const show = (response: Response) => setProblem(response.status === 400 ? t("dpos.incidentInvalid") : response.status === 409 ? t("dpos.incidentWithdrawn") : t("app.error"));
  return { problem, show, node: problem && <p role="alert" class="problem">{problem}</p> };
}

function Notify(props: { incident: Schemas["IncidentView"]; onDone: () => void }) {
  const id = props.incident.incidentId;
  const [to, setTo] = useState<"authority" | "people">("authority");
  const [at, setAt] = useState(nowLocal());
  const [authority, setAuthority] = useState("supervisory");
  const [reference, setReference] = useState("");
  const [count, setCount] = useState(String(Math.max(1, props.incident.subjectCount)));
  const [how, setHow] = useState("email");
  const p = useProblem();
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      const body = to === "authority"
        ? { to, notifiedAt: instant(at), authority, reference: reference.trim() || null, count: null, means: null }
        : { to, notifiedAt: instant(at), authority: null, reference: null, count: Number(count), means: how };
      const { response } = await api.POST("/api/dpo/incidents/{incidentId}/notifications", { params: { path: { incidentId: id } }, body });
      if (response.ok) props.onDone(); else p.show(response);
    }}>
      <label for={`notify-to-${id}`}>{t("dpos.notifyTo")}</label>
      <select id={`notify-to-${id}`} data-testid="notify-to" value={to} onChange={(e) => setTo(e.currentTarget.value as "authority" | "people")}>
        <option value="authority">{t("dpos.toAuthority")}</option>
        <option value="people">{t("dpos.toPeople")}</option>
      </select>
      <label for={`notify-at-${id}`}>{t("dpos.notifiedAt")}</label>
      <input id={`notify-at-${id}`} type="datetime-local" required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
      {to === "authority" ? (
        <>
          <label for={`notify-authority-${id}`}>{t("dpos.authority")}</label>
          <select id={`notify-authority-${id}`} value={authority} onChange={(e) => setAuthority(e.currentTarget.value)}>
            <option value="supervisory">{t("dpos.authority.supervisory")}</option>
            <option value="cai">{t("dpos.authority.cai")}</option>
          </select>
          <label for={`notify-reference-${id}`}>{t("dpos.reference")}</label>
          <input id={`notify-reference-${id}`} maxLength={200} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
        </>
      ) : (
        <>
          <label for={`notify-count-${id}`}>{t("dpos.notifiedCount")}</label>
          <input id={`notify-count-${id}`} type="number" min={1} required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
          <label for={`notify-means-${id}`}>{t("dpos.means")}</label>
          <select id={`notify-means-${id}`} value={how} onChange={(e) => setHow(e.currentTarget.value)}>
            {means.map((m) => <option key={m} value={m}>{t(`dpos.means.${m}` as MessageKey)}</option>)}
          </select>
        </>
      )}
      <button type="submit" class="small" data-testid="save-notification">{t("dpos.save")}</button>
      {p.node}
    </form>
  );
}

function Correct(props: { incident: Schemas["IncidentView"]; onDone: () => void }) {
  const i = props.incident;
  const [nature, setNature] = useState(i.nature ?? "");
  const [count, setCount] = useState(String(i.subjectCount));
  const [chosen, setChosen] = useState<string[]>([...i.dataCategories]);
  const p = useProblem();
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      const { response } = await api.POST("/api/dpo/incidents/{incidentId}/correction", { params: { path: { incidentId: i.incidentId } }, body: {
        occurredAt: null, discoveredAt: null, subjectIds: null,
        nature: nature.trim() !== (i.nature ?? "") ? nature : null,
        subjectCount: Number(count) !== i.subjectCount ? Number(count) : null,
        dataCategories: chosen.slice().sort().join() !== [...i.dataCategories].sort().join() ? chosen : null,
      } });
      if (response.ok) props.onDone(); else p.show(response);
    }}>
      <label for={`correct-nature-${i.incidentId}`}>{t("dpos.nature")}</label>
      <textarea id={`correct-nature-${i.incidentId}`} data-testid="correct-nature" required maxLength={4000} rows={3} value={nature}
        onInput={(e) => setNature(e.currentTarget.value)} />
      <fieldset>
        <legend>{t("dpos.categories")}</legend>
        {categories.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" checked={chosen.includes(c)}
              onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, c] : chosen.filter((x) => x !== c))} /> {t(categoryKey(c))}
          </label>
        ))}
      </fieldset>
      <label for={`correct-count-${i.incidentId}`}>{t("dpos.subjectCount")}</label>
      <input id={`correct-count-${i.incidentId}`} type="number" min={0} required value={count} onInput={(e) => setCount(e.currentTarget.value)} />
      <button type="submit" class="small" data-testid="save-correction">{t("dpos.save")}</button>
      {p.node}
    </form>
  );
}

function Measures(props: { incident: Schemas["IncidentView"]; onDone: () => void }) {
  const id = props.incident.incidentId;
  const [measures, setMeasures] = useState(props.incident.measures ?? "");
  const p = useProblem();
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      const { response } = await api.POST("/api/dpo/incidents/{incidentId}/measures", { params: { path: { incidentId: id } }, body: { measures } });
      if (response.ok) props.onDone(); else p.show(response);
    }}>
      <label for={`measures-${id}`}>{t("dpos.measures")}</label>
      <textarea id={`measures-${id}`} required maxLength={4000} rows={2} value={measures} onInput={(e) => setMeasures(e.currentTarget.value)} />
      <button type="submit" class="small">{t("dpos.save")}</button>
      {p.node}
    </form>
  );
}

function Withdraw(props: { incident: Schemas["IncidentView"]; onDone: () => void }) {
  const id = props.incident.incidentId;
  const [reason, setReason] = useState("recordedInError");
  const p = useProblem();
  return (
    <form class="panel" onSubmit={async (e) => {
      e.preventDefault();
      const { response } = await api.POST("/api/dpo/incidents/{incidentId}/withdrawal", { params: { path: { incidentId: id } }, body: { reasonCode: reason } });
      if (response.ok) props.onDone(); else p.show(response);
    }}>
      <label for={`withdraw-${id}`}>{t("dpos.withdrawReason")}</label>
      <select id={`withdraw-${id}`} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
        {withdrawals.map((w) => <option key={w} value={w}>{t(`dpos.withdrawal.${w}` as MessageKey)}</option>)}
      </select>
      <button type="submit" class="small danger" data-testid="confirm-withdraw">{t("dpos.withdraw")}</button>
      {p.node}
    </form>
  );
}

// webdpo3: the risk of serious injury (Law 25 s. 3.7; POST /api/dpo/incidents/{id}/risk-assessment) and the incident's history
// (GET /api/dpo/incidents/{id}). The API is the validator: the form sends what was entered and shows each field the 400 names beside it.
const sensitivities = ["low", "medium", "high"];
const likelihoods = ["unlikely", "possible", "likely"];
const riskFields = ["sensitivity", "consequences", "likelihood", "serious", "reasoning"] as const;
type RiskField = (typeof riskFields)[number];
const changeKinds = ["recorded", "measuresRecorded", "riskAssessed", "authorityNotified", "peopleNotified", "corrected", "withdrawn",
  "reminderDueSoon", "reminderOverdue"];

function RiskSummary(props: { incident: Schemas["IncidentView"] }) {
  const r = props.incident.risk;
  if (!r) return <p class="muted" data-testid="incident-risk-none">{t("risk3.none")}</p>;
  return (
    <div class="muted" data-testid="incident-risk">
      <p>
        <strong data-testid="incident-risk-serious">{t(r.serious ? "risk3.isSerious" : "risk3.notSerious")}</strong>
        {" · "}{t("risk3.assessedAt", { date: formatDate(r.assessedAt) })}
        {" · "}{t("risk3.sensitivity")}: {t(`risk3.sensitivity.${sensitivities.includes(r.sensitivity) ? r.sensitivity : "high"}` as MessageKey)}
        {" · "}{t("risk3.likelihood")}: {t(`risk3.likelihood.${likelihoods.includes(r.likelihood) ? r.likelihood : "likely"}` as MessageKey)}
      </p>
      {r.consequences && <p>{t("risk3.consequences")}: <span data-testid="incident-risk-consequences">{r.consequences}</span></p>}
      {r.reasoning && <p>{t("risk3.reasoning")}: <span data-testid="incident-risk-reasoning">{r.reasoning}</span></p>}
    </div>
  );
}

function AssessRisk(props: { incident: Schemas["IncidentView"]; onDone: () => void }) {
  const id = props.incident.incidentId;
  const previous = props.incident.risk;
  const [sensitivity, setSensitivity] = useState(previous?.sensitivity ?? "");
  const [consequences, setConsequences] = useState(previous?.consequences ?? "");
  const [likelihood, setLikelihood] = useState(previous?.likelihood ?? "");
  const [serious, setSerious] = useState<boolean | null>(previous ? previous.serious : null);
  const [reasoning, setReasoning] = useState(previous?.reasoning ?? "");
  const [errors, setErrors] = useState<RiskField[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const fieldId = (f: RiskField) => `risk-${f}-${id}`;
  useEffect(() => { form.current?.querySelector<HTMLElement>("select, input, textarea")?.focus(); }, []);
  useEffect(() => {
    if (errors.length > 0) document.getElementById(errors[0] === "serious" ? `${fieldId("serious")}-yes` : fieldId(errors[0]))?.focus();
  }, [errors]);
  const invalid = (f: RiskField) => errors.includes(f);
  const described = (f: RiskField) => (invalid(f) ? `${fieldId(f)}-error` : undefined);
  const error = (f: RiskField) => invalid(f) && (
    <p id={`${fieldId(f)}-error`} class="problem" data-testid={`risk-error-${f}`}>{t(`risk3.bad.${f}` as MessageKey)}</p>
  );
  return (
    <form class="panel" ref={form} noValidate data-testid="risk-form" onSubmit={async (e) => {
      e.preventDefault();
      setProblem(null);
      const { data, error: body, response } = await api.POST("/api/dpo/incidents/{incidentId}/risk-assessment", {
        params: { path: { incidentId: id } },
        body: { sensitivity: sensitivity || null, consequences, likelihood: likelihood || null, serious, reasoning },
      });
      if (data) { setErrors([]); props.onDone(); return; }
      const named = Object.keys((body as { errors?: Record<string, string[]> } | undefined)?.errors ?? {});
      const fields = riskFields.filter((f) => named.includes(f));
      setErrors(response.status === 400 ? fields : []);
      setProblem(response.status === 400 ? t("risk3.invalid") : response.status === 409 ? t("dpos.incidentWithdrawn") : t("app.error"));
    }}>
      <h3>{t("risk3.heading")}</h3>
      <label for={fieldId("sensitivity")}>{t("risk3.sensitivity")}</label>
      <select id={fieldId("sensitivity")} data-testid="risk-sensitivity" value={sensitivity} aria-invalid={invalid("sensitivity")}
        aria-describedby={described("sensitivity")} onChange={(e) => setSensitivity(e.currentTarget.value)}>
        <option value="">{t("risk3.choose")}</option>
        {sensitivities.map((v) => <option key={v} value={v}>{t(`risk3.sensitivity.${v}` as MessageKey)}</option>)}
      </select>
      {error("sensitivity")}
      <label for={fieldId("consequences")}>{t("risk3.consequences")}</label>
      <textarea id={fieldId("consequences")} data-testid="risk-consequences" rows={2} maxLength={4000} value={consequences}
        aria-invalid={invalid("consequences")} aria-describedby={described("consequences")} onInput={(e) => setConsequences(e.currentTarget.value)} />
      {error("consequences")}
      <label for={fieldId("likelihood")}>{t("risk3.likelihood")}</label>
      <select id={fieldId("likelihood")} data-testid="risk-likelihood" value={likelihood} aria-invalid={invalid("likelihood")}
        aria-describedby={described("likelihood")} onChange={(e) => setLikelihood(e.currentTarget.value)}>
        <option value="">{t("risk3.choose")}</option>
        {likelihoods.map((v) => <option key={v} value={v}>{t(`risk3.likelihood.${v}` as MessageKey)}</option>)}
      </select>
      {error("likelihood")}
      <fieldset role="radiogroup" aria-invalid={invalid("serious")} aria-describedby={described("serious")}>
        <legend>{t("risk3.serious")}</legend>
        <label class="check">
          <input type="radio" id={`${fieldId("serious")}-yes`} name={fieldId("serious")} data-testid="risk-serious-yes" checked={serious === true}
            onChange={() => setSerious(true)} /> {t("risk3.serious.yes")}
        </label>
        <label class="check">
          <input type="radio" name={fieldId("serious")} data-testid="risk-serious-no" checked={serious === false}
            onChange={() => setSerious(false)} /> {t("risk3.serious.no")}
        </label>
      </fieldset>
      {error("serious")}
      <label for={fieldId("reasoning")}>{t("risk3.reasoning")}</label>
      <textarea id={fieldId("reasoning")} data-testid="risk-reasoning" rows={2} maxLength={4000} value={reasoning}
        aria-invalid={invalid("reasoning")} aria-describedby={described("reasoning")} onInput={(e) => setReasoning(e.currentTarget.value)} />
      {error("reasoning")}
      <button type="submit" class="small" data-testid="save-risk">{t("dpos.save")}</button>
      {problem && <p role="alert" class="problem" data-testid="risk-problem">{problem}</p>}
    </form>
  );
}

function History(props: { incidentId: string }) {
  const incident = useLoad(() => api.GET("/api/dpo/incidents/{incidentId}", { params: { path: { incidentId: props.incidentId } } }), [props.incidentId]);
  if (!incident.data) return <Status load={incident} />;
  return (
    <ol class="muted" data-testid="incident-history">
      {(incident.data.history ?? []).map((c, n) => (
        <li key={n} data-testid={`incident-history-${c.kind}`}>
          <time dateTime={c.at}>{formatDate(c.at)}</time>: {t(`risk3.change.${changeKinds.includes(c.kind) ? c.kind : "corrected"}` as MessageKey)}
        </li>
      ))}
    </ol>
  );
}
