import { useState } from "preact/hooks";
import { api, roleOf, session } from "../api";
import { t } from "../i18n";
import { navigate } from "../router";

// Where a printed QR code leads: /join#code=<code>. The code is in the fragment (never sent to a server); it is read once and
// removed from the address bar and history entry, then the signed-in parent adds the child with it (POST /api/guardians/me/children).
// Signed out, the app shows the sign-in form first and this page after it (the address, fragment included, is unchanged).
function codeFromFragment(): string {
  const code = new URLSearchParams(location.hash.slice(1)).get("code") ?? "";
  if (location.hash) history.replaceState(null, "", location.pathname);
  return code;
}

export function JoinPage() {
  const [code, setCode] = useState(codeFromFragment);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (roleOf(session.value) !== "guardian") return <section><h1>{t("join.heading")}</h1><p>{t("join.parentsOnly")}</p></section>;
  return (
    <section class="narrow">
      <h1>{t("join.heading")}</h1>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const { data, response } = await api.POST("/api/guardians/me/children", { body: { code } });
        setBusy(false);
        if (data) navigate("/parent");
        else setProblem(response.status === 429 ? t("login.throttled") : t("parent.badCode"));
      }}>
        <label for="join-code">{t("parent.code")}</label>
        <input id="join-code" autocomplete="off" required value={code} data-testid="join-code" onInput={(e) => setCode(e.currentTarget.value)} />
        {problem && <p role="alert" class="problem">{problem}</p>}
        <button type="submit" disabled={busy} data-testid="join-submit">{t("parent.joinSubmit")}</button>
      </form>
    </section>
  );
}
