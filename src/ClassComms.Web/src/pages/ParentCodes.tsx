import { useState } from "preact/hooks";
import { api } from "../api";
import { formatDate, t } from "../i18n";
import { Link, Status, useLoad } from "../ui";

// A printable sheet of parent codes for a class: one card per student with the code, a QR code and how to use it.
// The API shows a code only once, in the answer that issues it (POST /api/students/{id}/parent-codes), so the sheet issues a new code
// per student when the teacher asks for it, and lives only in this page's memory (print it, then leave the page). Codes issued earlier
// stay valid until they expire or are revoked.
// The QR code holds the join address with the code in the fragment: https://<this origin>/join#code=<code>. A browser never sends
// the fragment to a server (so the code reaches no access log or proxy; Referrer-Policy is no-referrer too), and the join page reads
// it, removes it from the address bar and redeems it for the signed-in parent. It is drawn here (qrcode-generator, no network),
// loaded only on this page (a separate chunk: the parent's first page does not download it).

type Sheet = { studentId: string; name: string; code: string; expiresAt: string; qr: string }[];

export function joinUrl(code: string): string {
  return `${location.origin}/join#code=${encodeURIComponent(code)}`;
}

async function qrDataUrl(text: string): Promise<string> {
  const { default: qrcode } = await import("qrcode-generator");
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  return qr.createDataURL(4, 4); // a GIF data: URL (allowed by the CSP's img-src)
}

export function ParentCodesPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const students = view.data.students.filter((s) => !s.erased);

  const issue = async () => {
    setBusy(true);
    setProblem(null);
    const issued: Sheet = [];
    let failed = 0;
    for (const s of students) {
      const { data } = await api.POST("/api/students/{studentId}/parent-codes", { params: { path: { studentId: s.studentId } } });
      if (data) issued.push({ studentId: s.studentId, name: s.name ?? "", code: data.code, expiresAt: data.expiresAt, qr: await qrDataUrl(joinUrl(data.code)) });
      else failed++;
    }
    setSheet(issued);
    setBusy(false);
    if (failed) setProblem(t("codes.someFailed", { count: failed }));
  };

  return (
    <section class="codes-page">
      <h1>{t("codes.heading", { name: view.data.name ?? "" })}</h1>
      <div class="no-print">
        <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
        <p class="hint">{t("codes.explain")}</p>
        <button type="button" disabled={busy || students.length === 0} data-testid="issue-codes" onClick={() => void issue()}>
          {sheet ? t("codes.issueAgain") : t("codes.issue", { count: students.length })}</button>
        {sheet && <button type="button" class="secondary" data-testid="print" onClick={() => window.print()}>{t("codes.print")}</button>}
        {busy && <p role="status" class="muted">{t("app.loading")}</p>}
        {problem && <p role="alert" class="problem">{problem}</p>}
        {sheet && <p class="hint" role="status">{t("codes.onceOnly")}</p>}
      </div>
      {sheet && (
        <ul class="code-sheet" data-testid="code-sheet">
          {sheet.map((row) => (
            <li class="code-card" key={row.studentId} data-testid={`code-${row.studentId}`}>
              <h2>{row.name}</h2>
              <img class="qr" src={row.qr} alt={t("codes.qrAlt", { name: row.name })} data-testid="qr" />
              <p class="code" data-testid="code">{row.code}</p>
              <p class="small-print">{t("codes.howTo", { url: `${location.origin}/join` })}</p>
              <p class="small-print">{t("codes.expires", { date: formatDate(row.expiresAt) })}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
