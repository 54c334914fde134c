import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api/schema";
import { signal } from "./signal";
import { timeZone } from "./i18n";

export type Schemas = components["schemas"];
export type Session = Schemas["LoginSucceeded"];

// The access token lives in memory only (never localStorage or sessionStorage). The refresh token never reaches script: the API
// sets it as an HttpOnly, SameSite=Strict cookie on /api/auth when asked with X-ClassComms-Session: cookie (Web/RefreshCookie.cs),
// and a reload resumes the session with it.
export const session = signal<Session | null>(null);
export const resuming = signal(true);
let refreshTimer: number | undefined;

const auth: Middleware = {
  onRequest({ request }) {
    if (new URL(request.url).pathname.startsWith("/api/auth/")) request.headers.set("X-ClassComms-Session", "cookie");
    const current = session.value;
    if (current) request.headers.set("Authorization", `Bearer ${current.token}`);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.status === 401 && session.value && !request.url.includes("/api/auth/")) signOutLocally();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

export function roleOf(s: Session | null): string {
  return (s?.role ?? "").toLowerCase();
}

export async function signIn(email: string, password: string): Promise<"ok" | "wrong" | "throttled"> {
  const { data, response } = await api.POST("/api/auth/login", { body: { email, password } });
  if (response.status === 429) return "throttled";
  if (!data) return "wrong";
  start(data);
  return "ok";
}

function start(data: Session) {
  session.value = data;
  window.clearTimeout(refreshTimer);
  // Renew the access token shortly before it expires (the refresh token works once and is replaced each time).
  const wait = Math.max(5_000, new Date(data.expiresAt).getTime() - Date.now() - 30_000);
  refreshTimer = window.setTimeout(refresh, wait);
  void api.GET("/api/school/time-zone").then(({ data: zone }) => { if (zone) timeZone.value = zone.timeZone; });
}

async function refresh() {
  // The body's token is empty: the API takes the cookie's.
  const { data } = await api.POST("/api/auth/refresh", { body: { refreshToken: "" } }).catch(() => ({ data: undefined }));
  if (data) start(data);
  else signOutLocally();
}

/** At start: resume the session from the refresh cookie, if there is one. */
export async function resume() {
  await refresh();
  resuming.value = false;
}

function signOutLocally() {
  window.clearTimeout(refreshTimer);
  session.value = null;
}

export async function signOut() {
  if (session.value) await api.POST("/api/auth/logout").catch(() => undefined);
  signOutLocally();
}
