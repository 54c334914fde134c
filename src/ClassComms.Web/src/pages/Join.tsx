import { useState } from "preact/hooks";
import { api, roleOf, session, signIn } from "../api";
import { t } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { navigate } from "../router";
import { LoginPage } from "./Login";

// Where a printed QR code leads: /join#code=<code>. The code is in the fragment (never sent to a server); it is read once and
// removed from the address bar and history entry, and kept in memory for this page load only (so signing in first keeps it).
// Signed in, the parent adds the child with it (POST /api/guardians/me/children). Signed out (webparent), the page registers a new
// parent: POST /api/guardians/register with the code, name, e-mail and password; 201 (the e-mail's login with its own password)
// signs in at once; 202 asks for the confirmation code mailed to the address (POST /api/guardians/register/confirm), then signs in
// with the e-mail and password typed here and lands on the children list. Nothing personal goes into the address.
let remembered: string | null = null;
let registered = false; // the child is linked by the registration: signing in afterwards lands on the children list
function codeFromFragment(): string {
  if (remembered === null) remembered = new URLSearchParams(location.hash.slice(1)).get("code") ?? "";
  if (location.hash) history.replaceState(null, "", location.pathname);
  return remembered;
}

export function JoinPage() {
  const [code, setCode] = useState(codeFromFragment);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const s = session.value;
  if (!s) return <RegisterPage code={code} setCode={setCode} />;
  if (registered) { registered = false; remembered = null; navigate("/parent"); return null; }
  if (roleOf(s) !== "guardian") return <section><h1>{t("join.heading")}</h1><p>{t("join.parentsOnly")}</p></section>;
  return (
    <section class="narrow">
      <h1>{t("join.heading")}</h1>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const { data, response } = await api.POST("/api/guardians/me/children", { body: { code } });
        setBusy(false);
        if (data) { remembered = null; navigate("/parent"); }
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

type Problem = { status: number; errors?: Record<string, string[]> };
const fields = ["code", "name", "email", "password", "token"] as const;

/** The translated reason for a refused registration or confirmation (the API's own text is never shown: it is English). */
function problemText(p: Problem): string {
  if (p.status === 429) return t("login.throttled");
  if (p.status === 409) return t("register.conflict");
  if (p.status === 400) {
    const field = fields.find((f) => p.errors?.[f]);
    if (field) return t(`register.bad.${field}` as MessageKey);
  }
  return t("app.error");
}

async function problemOf(response: Response, error: unknown): Promise<Problem> {
  const body = (error ?? {}) as { errors?: Record<string, string[]> };
  return { status: response.status, errors: body.errors };
}

function RegisterPage(props: { code: string; setCode: (code: string) => void }) {
  const [signingIn, setSigningIn] = useState(false);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [step, setStep] = useState<"register" | "confirm" | "signIn">("register");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (signingIn) return <LoginPage />;

  const finish = async () => {
    registered = true;
    const result = await signIn(email, password).catch(() => "wrong" as const);
    if (result === "ok") { remembered = null; navigate("/parent"); return; }
    // Confirmed onto an existing login: it keeps its own password (not the one typed here).
    setStep("signIn");
    setProblem(result === "throttled" ? t("login.throttled") : null);
  };

  if (step === "signIn") {
    return (
      <section class="narrow">
        <h1>{t("register.heading")}</h1>
        <p role="status" data-testid="register-done">{t("register.doneSignIn")}</p>
        {problem && <p role="alert" class="problem">{problem}</p>}
        <LoginPage />
      </section>
    );
  }

  if (step === "confirm") {
    return (
      <section class="narrow">
        <h1>{t("register.heading")}</h1>
        <form onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setProblem(null);
          try {
            const { data, error, response } = await api.POST("/api/guardians/register/confirm", { body: { token: token.trim() } });
            if (data) await finish();
            else setProblem(problemText(await problemOf(response, error)));
          } finally {
            setBusy(false);
          }
        }}>
          <p role="status" data-testid="register-sent">{t("register.sent")}</p>
          <label for="register-token">{t("register.token")}</label>
          <input id="register-token" autocomplete="one-time-code" required value={token} data-testid="register-token"
            onInput={(e) => setToken(e.currentTarget.value)} />
          {problem && <p role="alert" class="problem" data-testid="register-problem">{problem}</p>}
          <button type="submit" disabled={busy} data-testid="register-confirm">{t("register.confirm")}</button>
        </form>
      </section>
    );
  }

  return (
    <section class="narrow">
      <h1>{t("register.heading")}</h1>
      <p class="hint">{t("register.explain")}</p>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setProblem(null);
        try {
          const { data, error, response } = await api.POST("/api/guardians/register",
            { body: { code: props.code.trim(), name: name.trim(), email: email.trim(), password } });
          if (response.status === 201) await finish();
          else if (response.status === 202 && data) setStep("confirm");
          else setProblem(problemText(await problemOf(response, error)));
        } finally {
          setBusy(false);
        }
      }}>
        <label for="register-code">{t("parent.code")}</label>
        <input id="register-code" autocomplete="off" required value={props.code} data-testid="register-code"
          onInput={(e) => props.setCode(e.currentTarget.value)} />
        <label for="register-name">{t("register.name")}</label>
        <input id="register-name" autocomplete="name" required maxLength={200} value={name} data-testid="register-name"
          onInput={(e) => setName(e.currentTarget.value)} />
        <label for="register-email">{t("login.email")}</label>
        <input id="register-email" type="email" autocomplete="email" required value={email} data-testid="register-email"
          onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="register-password">{t("login.password")}</label>
        <input id="register-password" type="password" autocomplete="new-password" required value={password} data-testid="register-password"
          aria-describedby="register-password-hint" onInput={(e) => setPassword(e.currentTarget.value)} />
        <p id="register-password-hint" class="hint">{t("register.passwordHint")}</p>
        {problem && <p role="alert" class="problem" data-testid="register-problem">{problem}</p>}
        <button type="submit" disabled={busy} data-testid="register-submit">{t("register.submit")}</button>
      </form>
      <p>{t("register.haveAccount")}{" "}
        <button type="button" class="link" data-testid="register-sign-in" onClick={() => setSigningIn(true)}>{t("register.signIn")}</button>
      </p>
    </section>
  );
}
