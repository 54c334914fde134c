// Helpers for the browser tests: the real API over HTTP (set-up steps) and headless Debian chromium through playwright-core.
import { chromium } from "playwright-core";

export const base = process.env.CLASSCOMMS_WEB_URL ?? "http://127.0.0.1:5080";
export const password = process.env.CLASSCOMMS_DEMO_PASSWORD ?? "classcomms-demo";
export const demo = {
  teacher: "teacher@demo.classcomms.test",
  parent: "parent@demo.classcomms.test",
  dpo: "dpo@demo.classcomms.test",
  leader: "leader@demo.classcomms.test",
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

/** A signed-in API caller (fetch with the bearer token). */
export async function apiAs(email) {
  const login = await call("POST", "/api/auth/login", { email, password });
  return {
    login,
    get: (path) => call("GET", path, undefined, login.token),
    post: (path, body) => call("POST", path, body ?? {}, login.token),
    delete: (path) => call("DELETE", path, undefined, login.token),
    upload: async (path, form) => {
      const response = await fetch(base + path, { method: "POST", body: form, headers: { Authorization: `Bearer ${login.token}` } });
      if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
  };
}

export const anonymous = (method, path, body) => call(method, path, body);

async function call(method, path, body, token) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return response.status === 204 ? null : response.json();
}

/** Opens the app in a new browser context (its own memory: a separate person) and signs in through the login form. */
export async function signInPage(browser, email, locale = "fr-CA") {
  const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(base + "/");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  return { context, page, problems };
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export async function demoClass(teacher) {
  const classes = await teacher.get("/api/classes");
  // The demo's class (a scenario may have created others: webstaff's class creation).
  const classId = (classes.find((c) => c.name === "Grade 3 — Maple") ?? classes[0]).classId;
  const view = await teacher.get(`/api/classes/${classId}`);
  const byName = (name) => view.students.find((s) => s.name === name).studentId;
  return { classId, view, ava: byName("Ava Martin"), noah: byName("Noah Roy"), skill: view.skills.find((s) => s.positive).id };
}

/**
 * webcursor3: makes a signed-in page's SignalR connection droppable, its reconnection held at negotiation. Keeps the page's
 * WebSockets reachable (an init script that runs before the app; the page is loaded again with it) and routes the hub's
 * negotiation through a gate. `drop()` shuts the gate, closes the page's WebSockets and waits until the page shows it is
 * offline (pushes sent meanwhile go nowhere); `release()` opens the gate, and the page reconnects on its own.
 */
export async function holdReconnects(context, page) {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native { constructor(...args) { super(...args); window.__sockets.push(this); } };
  });
  await page.reload();
  let gate = Promise.resolve();
  let open = () => undefined;
  await page.route("**/hubs/notifications/negotiate**", async (route) => { await gate; await route.continue(); });
  return {
    async drop() {
      gate = new Promise((resolve) => { open = resolve; });
      await page.locator("[data-testid=live].on").waitFor({ timeout: 15000 });
      assert(await page.evaluate(() => window.__sockets.length) > 0, "no WebSocket to drop");
      await page.evaluate(() => window.__sockets.forEach((s) => s.close(4000, "dropped by the test")));
      await page.locator("[data-testid=live]:not(.on)").waitFor({ timeout: 15000 });
    },
    release() { open(); },
  };
}
