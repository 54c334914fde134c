import { useState } from "preact/hooks";
import { api, roleOf, session } from "../api";
import { t } from "../i18n";
import { navigate } from "../router";
import { Link, Status, useLoad } from "../ui";

// webstaff: creating a class (POST /api/classes; a leader may give it to a teacher from the staff list, GET /api/staff) and enrolling
// students in it (POST /api/classes/{classId}/students, up to 60 names at once, one a line).

export function NewClassPage() {
  const leader = roleOf(session.value) === "leader";
  const staff = useLoad(() => (leader ? api.GET("/api/staff") : Promise.resolve({ data: [], response: new Response(null) })), [leader]);
  const [name, setName] = useState("");
  const [teacherId, setTeacherId] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const teachers = (staff.data ?? []).filter((s) => !s.pending && (s.role === "teacher" || s.role === "leader"));
  return (
    <section class="narrow">
      <h1>{t("classes.newHeading")}</h1>
      <p><Link href="/classes">{t("app.back")}</Link></p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        const { data, response } = await api.POST("/api/classes", { body: { name, teacherId: teacherId || null } });
        if (data) navigate(`/classes/${data.classId}/students/new`);
        else setProblem(response.status === 400 ? t("classes.invalid") : t("app.error"));
      }}>
        <label for="class-name">{t("classes.name")}</label>
        <input id="class-name" required maxLength={100} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {leader && (
          <>
            <label for="class-teacher">{t("classes.teacher")}</label>
            <select id="class-teacher" data-testid="class-teacher" value={teacherId} onChange={(e) => setTeacherId(e.currentTarget.value)}>
              <option value="">{t("classes.teacherMe")}</option>
              {teachers.filter((s) => s.membershipId !== session.value?.userId).map((s) => (
                <option key={s.membershipId} value={s.membershipId}>{s.name ?? "—"}</option>
              ))}
            </select>
          </>
        )}
        <button type="submit" data-testid="create-class">{t("classes.create")}</button>
      </form>
      {problem && <p role="alert" class="problem">{problem}</p>}
    </section>
  );
}

export function EnrolPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [names, setNames] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const students = view.data.students.filter((s) => !s.erased);
  return (
    <section class="narrow">
      <h1>{t("classes.enrolHeading", { name: view.data.name ?? "" })}</h1>
      <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        const list = names.split("\n").map((n) => n.trim()).filter((n) => n.length > 0);
        if (list.length === 0 || list.length > 60) { setResult({ ok: false, text: t("classes.enrolInvalid") }); return; }
        const { data, response } = await api.POST("/api/classes/{classId}/students",
          { params: { path: { classId } }, body: { students: list.map((name) => ({ name })) } });
        if (data) { setNames(""); setResult({ ok: true, text: t("classes.enrolled", { count: data.studentIds.length }) }); view.reload(); }
        else setResult({ ok: false, text: response.status === 400 ? t("classes.enrolInvalid") : t("app.error") });
      }}>
        <label for="enrol-names">{t("classes.enrolNames")}</label>
        <p class="hint" id="enrol-hint">{t("classes.enrolHint")}</p>
        <textarea id="enrol-names" aria-describedby="enrol-hint" rows={8} required value={names}
          onInput={(e) => setNames(e.currentTarget.value)} />
        <button type="submit" data-testid="enrol">{t("classes.enrol")}</button>
      </form>
      {result && <p role={result.ok ? "status" : "alert"} class={result.ok ? "good" : "problem"} data-testid="enrol-result">{result.text}</p>}
      <h2>{t("classes.roster", { count: students.length })}</h2>
      <ul class="list" data-testid="enrolled">
        {students.map((s) => <li key={s.studentId}>{s.name}</li>)}
      </ul>
    </section>
  );
}
