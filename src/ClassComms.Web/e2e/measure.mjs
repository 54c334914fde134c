// Figures for the README (a script, not a test): against a running API serving the built app with the demo school
// (e.g. infra/up.sh, then CLASSCOMMS_WEB_URL=http://127.0.0.1:5080 node e2e/measure.mjs [awards=100]).
//  1. JavaScript shipped for the parent's first page: every script the page loads, gzip-compressed (level 9) as a server would send it.
//  2. Navigation → children list in headless chromium: a signed-in parent (session in the refresh cookie) opens /parent; from
//     navigation start to the list on screen (performance.now() when the first child card is in the DOM), median of 15 loads.
//  3. Award → visible: the teacher awards Ava a point (HTTP, from this script); the parent's open page shows the new count (a
//     MutationObserver stamps the change); p50/p99 over N awards (each award undone afterwards, so the demo data stays as it was).
//  Each figure is printed with the machine's load average (1, 5, 15 min) when it was taken: the 2-core machine is shared.
import { loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { apiAs, base, demo, demoClass, launch, signInPage } from "./lib.mjs";

const awards = Number(process.argv[2] ?? 100);
const browser = await launch();
const teacher = await apiAs(demo.teacher);
const { classId, ava, skill } = await demoClass(teacher);
const load = () => `load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };

// 1. JS for the first page.
const first = await browser.newContext({ locale: "fr-CA" });
const scripts = new Map();
const p1 = await first.newPage();
p1.on("response", async (r) => { if (r.url().endsWith(".js")) scripts.set(r.url(), await r.body()); });
await p1.goto(base + "/");
await p1.locator("#email").waitFor();
await p1.fill("#email", demo.parent); await p1.fill("#password", "classcomms-demo"); await p1.click("button[type=submit]");
await p1.locator("[data-testid=child]").first().waitFor();
let raw = 0, gz = 0;
for (const body of scripts.values()) { raw += body.length; gz += gzipSync(body, { level: 9 }).length; }
console.log(`parent first page JS: ${scripts.size} file(s), ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip; ${load()}`);

// 2. Navigation → children list, with the session resuming from the cookie (same context).
const times = [];
for (let i = 0; i < 15; i++) {
  const page = await first.newPage();
  await page.goto(base + "/parent", { waitUntil: "commit" });
  await page.locator("[data-testid=child]").first().waitFor();
  times.push(await page.evaluate(() => performance.now()));
  await page.close();
}
console.log(`navigation → children list (signed in, 15 loads): median ${pct(times, 50).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; ${load()}`);
await first.close();

// 3. Award → visible on the parent's open page.
const { page } = await signInPage(browser, demo.parent, "fr-CA");
const selector = `[data-testid=points-${ava}] [data-testid=positive]`;
await page.locator(selector).waitFor();
await page.evaluate((sel) => {
  window.__changes = [];
  new MutationObserver(() => {
    const el = document.querySelector(sel);
    if (el) window.__changes.push({ at: Date.now(), text: el.textContent });
  }).observe(document.querySelector("[data-testid=children]"), { subtree: true, childList: true, characterData: true });
}, selector);
const latencies = [];
for (let i = 0; i < awards; i++) {
  const before = Number(await page.locator(selector).textContent());
  await page.evaluate(() => { window.__changes = []; });
  const t0 = Date.now();
  const awarded = await teacher.post(`/api/classes/${classId}/points`, { skillId: skill, studentIds: [ava], wholeClass: false });
  const seen = await page.waitForFunction((want) => window.__changes.find((c) => c.text === String(want))?.at, before + 1, { timeout: 20000, polling: 10 });
  latencies.push((await seen.jsonValue()) - t0);
  await teacher.delete(`/api/awards/${awarded.awardId}`);
  await page.locator(`${selector}:text-is("${before}")`).waitFor({ timeout: 20000 });
}
console.log(`award → visible on the parent's page (n=${awards}): p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${Math.max(...latencies)} ms; ${load()}`);
await browser.close();
