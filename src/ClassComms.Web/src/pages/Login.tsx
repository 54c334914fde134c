import { useState } from "preact/hooks";
import { signIn } from "../api";
import { t } from "../i18n";

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section class="narrow">
      <h1>{t("login.heading")}</h1>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const result = await signIn(email, password).catch(() => "wrong" as const);
        setBusy(false);
        if (result === "wrong") setProblem(t("login.failed"));
        else if (result === "throttled") setProblem(t("login.throttled"));
      }}>
        <label for="email">{t("login.email")}</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={email}
          onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">{t("login.password")}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword(e.currentTarget.value)} />
        {problem && <p role="alert" class="problem">{problem}</p>}
        <button type="submit" disabled={busy}>{t("login.submit")}</button>
      </form>
      <p class="hint">{t("login.demo")}</p>
    </section>
  );
}
