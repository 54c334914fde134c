// Runs browser scenarios against a running API that serves the built app (CLASSCOMMS_WEB_URL), with the demo school seeded.
//   node e2e/run.mjs <scenario>...     (no argument: all)
// Prints one JSON line per scenario ({"name","passed","ms","error"}); exit code 1 if any failed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { anonymous, apiAs, assert, base, demo, demoClass, holdReconnects, launch, password, signInPage } from "./lib.mjs";
import { keySets } from "../scripts/check-i18n.mjs";
import qrcode from "qrcode-generator";

const require = createRequire(import.meta.url);

const scenarios = {
  // A teacher awards a point; the parent's open page (in French) shows it without a reload.
  async award_shows_on_the_parents_open_page_in_french(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId, ava, skill } = await demoClass(teacher);
    const { page } = await signInPage(browser, demo.parent, "fr-CA");
    await page.getByRole("heading", { name: "Mes enfants" }).waitFor();
    const count = page.locator(`[data-testid=points-${ava}] [data-testid=positive]`);
    const before = Number(await count.textContent());
    await page.evaluate(() => { window.__notReloaded = true; });
    await teacher.post(`/api/classes/${classId}/points`, { skillId: skill, studentIds: [ava], wholeClass: false });
    await page.locator(`[data-testid=points-${ava}] [data-testid=positive]:text-is("${before + 1}")`).waitFor({ timeout: 15000 });
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
    assert((await page.getAttribute("html", "lang")) === "fr", "the page is not in French");
    assert(await page.getByText("Positifs").first().isVisible(), "the French label is not shown");
  },

  // webcatchup: the parent's open child page loses its SignalR connection; two points awarded meanwhile (their pushes go nowhere)
  // arrive when it reconnects, each once, from a read of the feed after the page's cursor, without a reload; then the same for a
  // message on the open messages list (read from the inbox after its cursor).
  async a_reconnecting_parents_page_catches_up_the_points_awarded_meanwhile(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId, noah, skill, view } = await demoClass(teacher);
    const value = view.skills.find((s) => s.id === skill).value;
    const email = await newParentOf(teacher, noah);
    const { context, page } = await signInPage(browser, email, "en-CA");
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    // The page's connection can be dropped with its reconnection held at negotiation (lib.mjs `holdReconnects`).
    const link = await holdReconnects(context, page);
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/parent/children/${noah}`);
    await page.getByTestId("child-name").waitFor();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 15000 });
    const count = page.locator("[data-testid=child-points] [data-testid=positive]");
    // The feed is read (the list or "No points yet."): the count is the feed's.
    await page.waitForFunction(() => document.querySelector("[data-testid=recent-points]") || document.body.textContent.includes("No points yet."));
    const before = Number(await count.textContent());
    await page.evaluate(() => { window.__notReloaded = true; });
    const feedReads = [];
    page.on("request", (r) => { if (r.url().includes("/api/guardians/me/feed")) feedReads.push(new URL(r.url()).searchParams.get("after")); });

    // The connection drops; its reconnection is held at negotiation until both points are awarded.
    await link.drop();
    const stamp = Date.now();
    await teacher.post(`/api/classes/${classId}/points`, { skillId: skill, studentIds: [noah], wholeClass: false, note: `First ${stamp}` });
    await teacher.post(`/api/classes/${classId}/points`, { skillId: skill, studentIds: [noah], wholeClass: false, note: `Second ${stamp}` });
    assert(await page.getByText(`First ${stamp}`).count() === 0, "a point arrived while the page was offline");

    link.release();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 30000 });
    await page.getByText(`Second ${stamp}`).waitFor({ timeout: 15000 });
    await page.getByText(`First ${stamp}`).waitFor({ timeout: 15000 });
    assert(await page.locator("[data-testid=recent-point]", { hasText: `First ${stamp}` }).count() === 1, "the first point is shown twice");
    assert(await page.locator("[data-testid=recent-point]", { hasText: `Second ${stamp}` }).count() === 1, "the second point is shown twice");
    await page.locator(`[data-testid=child-points] [data-testid=positive]:text-is("${before + 2 * value}")`).waitFor({ timeout: 15000 });
    assert(feedReads.some((after) => Number(after) > 0), `the page re-read the feed from the start (after=${feedReads.join(",")})`);
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");

    // The messages list the same way, from the inbox: a message sent while the page is offline, in a conversation it lists, moves
    // that conversation (shown once) when the page reconnects, read after the inbox cursor.
    await teacher.post("/api/conversations", { studentId: noah, mode: "private", text: `Hello ${stamp}`, urgent: false });
    const mine = (await (await apiAs(email)).get("/api/conversations")).find((c) => c.kind !== "announcement" && c.kind !== "schoolAnnouncement");
    assert(mine, "no conversation for the new parent");
    await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, "/messages");
    const row = page.getByTestId(`conversation-${mine.conversationId}`);
    await row.waitFor({ timeout: 15000 });
    const shownAt = await row.locator("time").getAttribute("datetime");
    const inboxReads = [];
    page.on("request", (r) => { if (r.url().includes("/api/inbox")) inboxReads.push(new URL(r.url()).searchParams.get("after")); });
    await link.drop();
    await teacher.post(`/api/conversations/${mine.conversationId}/messages`, { text: `Again ${stamp}`, attachmentIds: [], urgent: false });
    link.release();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 30000 });
    await page.waitForFunction(([id, at]) => document.querySelector(`[data-testid=conversation-${id}] time`)?.getAttribute("datetime") !== at,
      [mine.conversationId, shownAt], { timeout: 15000 });
    assert(await page.getByTestId(`conversation-${mine.conversationId}`).count() === 1, "the conversation is listed twice");
    assert(inboxReads.some((after) => Number(after) > 0), `the messages list re-read the inbox from the start (after=${inboxReads.join(",")})`);
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // webparent: a new parent opens the printed code's address signed out, registers (code from the fragment, name, e-mail,
  // password), is refused a wrong code and a wrong confirmation code in French, confirms with the mailed code and lands signed in on
  // the children list with the child; nothing personal ever appears in an address.
  async a_new_parent_registers_from_the_join_page_and_lands_on_their_children(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const { code } = await teacher.post(`/api/students/${noah}/parent-codes`, {});
    const email = `joined-${Date.now()}@demo.classcomms.test`;
    const name = `Jo Registrant ${Date.now()}`;
    const context = await browser.newContext({ locale: "fr-CA", viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const addresses = [];
    page.on("request", (r) => addresses.push(r.url()));
    page.on("framenavigated", (f) => addresses.push(f.url()));
    await page.goto(`${base}/join#code=${encodeURIComponent(code)}`);
    await page.getByRole("heading", { name: "Créer mon compte de parent" }).waitFor();
    assert(new URL(page.url()).hash === "", "the code stays in the address bar");
    assert((await page.getByTestId("register-code").inputValue()) === code, "the page did not read the code from the fragment");

    await page.getByTestId("register-code").fill("NOT-A-CODE");
    await page.getByLabel("Votre nom").fill(name);
    await page.getByLabel("Courriel").fill(email);
    await page.getByLabel("Mot de passe").fill(password);
    await page.getByTestId("register-submit").click();
    await page.getByRole("alert").getByText("Ce code parent n’est pas valide ou a expiré.").waitFor();
    await page.getByTestId("register-code").fill(code);
    await page.getByTestId("register-submit").click();
    await page.getByTestId("register-sent").waitFor();
    await page.getByLabel("Code de confirmation").fill("not-the-mailed-code");
    await page.getByTestId("register-confirm").click();
    await page.getByRole("alert").getByText("Ce code de confirmation n’est pas valide ou a expiré.").waitFor();
    await page.getByLabel("Code de confirmation").fill(await mailedToken(email));
    await page.getByTestId("register-confirm").click();

    await page.getByRole("heading", { name: "Mes enfants" }).waitFor({ timeout: 15000 });
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    assert(new URL(page.url()).pathname === "/parent", `the page is at ${page.url()}`);
    const me = await apiAs(email);
    assert((await me.get("/api/guardians/me/children")).some((c) => c.studentId === noah), "the child is not linked to the new account");
    const personal = [email, encodeURIComponent(email), name, encodeURIComponent(name), code, encodeURIComponent(code)];
    const leaked = addresses.filter((a) => personal.some((p) => new URL(a).pathname.includes(p) || new URL(a).search.includes(p)));
    assert(leaked.length === 0, `personal data in an address: ${leaked.join(", ")}`);
  },

  // webparent: a parent asks for a copy of their own data from "My data", sees it prepared (the DPO sees the request with its
  // deadline), and downloads the ZIP once it is ready, without a reload.
  async a_parent_asks_for_a_copy_of_their_own_data_and_downloads_it(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = (await signInPage(browser, email, "en-CA")).page;
    await parent.getByTestId("my-data").click();
    await parent.getByRole("heading", { name: "My data", exact: true }).waitFor();
    await parent.getByTestId("my-exports").waitFor();
    await parent.evaluate(() => { window.__notReloaded = true; });
    await parent.getByTestId("ask-export").click();
    await parent.getByText("Your request was sent. It is being prepared.").waitFor();
    const mine = await (await apiAs(email)).get("/api/guardians/me/exports");
    assert(mine.length === 1, `the parent has ${mine.length} exports`);
    const dpo = await apiAs(demo.dpo);
    const seen = (await dpo.get("/api/exports")).find((e) => e.exportId === mine[0].exportId);
    assert(seen && seen.requestedBy === mine[0].subjectId && seen.dueAt, "the DPO does not see the parent's request with its deadline");

    const button = parent.getByTestId("my-export-download");
    await button.waitFor({ timeout: 60000 });
    assert(await parent.getByTestId("my-export-completed").getByText("Ready").count() === 1, "the export is not shown as ready");
    const [file] = await Promise.all([parent.waitForEvent("download", { timeout: 30000 }), button.click()]);
    const bytes = readFileSync(await file.path());
    assert(bytes.length > 100 && bytes[0] === 0x50 && bytes[1] === 0x4b, `the download is not a ZIP (${bytes.length} bytes)`);
    assert(await parent.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // webparent: an open thread and an open class story lose their SignalR connection; the messages and the post sent meanwhile (their
  // pushes go nowhere) arrive once each when the page reconnects, read after the page's cursor (the thread's `since=`, the story's `after=`), without a reload.
  async a_reconnecting_thread_and_class_story_catch_up_what_was_sent_meanwhile(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId, noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const stamp = Date.now();
    const started = await teacher.post("/api/conversations", { studentId: noah, mode: "private", text: `Start ${stamp}`, urgent: false });
    const mine = (await (await apiAs(email)).get("/api/conversations")).find((c) => c.kind !== "announcement" && c.kind !== "schoolAnnouncement");
    assert(mine && started, "no conversation for the new parent");
    const { context, page } = await signInPage(browser, email, "en-CA");
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    const link = await holdReconnects(context, page);
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    const go = (p) => page.evaluate((to) => { history.pushState(null, "", to); dispatchEvent(new PopStateEvent("popstate")); }, p);
    const drop = () => link.drop();
    const open = () => link.release();
    const reads = [];
    page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname.startsWith("/api/")) reads.push(u); });

    await go(`/messages/${mine.conversationId}`);
    const thread = page.getByTestId("thread");
    await thread.getByText(`Start ${stamp}`).waitFor();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 15000 });
    await page.evaluate(() => { window.__notReloaded = true; });
    await drop();
    await teacher.post(`/api/conversations/${mine.conversationId}/messages`, { text: `First ${stamp}`, attachmentIds: [], urgent: false });
    await teacher.post(`/api/conversations/${mine.conversationId}/messages`, { text: `Second ${stamp}`, attachmentIds: [], urgent: false });
    assert(await thread.getByText(`First ${stamp}`).count() === 0, "a message arrived while the page was offline");
    reads.length = 0;
    open();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 30000 });
    await thread.getByText(`Second ${stamp}`).waitFor({ timeout: 15000 });
    for (const text of [`Start ${stamp}`, `First ${stamp}`, `Second ${stamp}`]) {
      assert(await thread.locator("li", { hasText: text }).count() === 1, `"${text}" is not shown exactly once`);
    }
    const threadReads = reads.filter((u) => u.pathname === `/api/conversations/${mine.conversationId}/messages`);
    assert(threadReads.length > 0 && threadReads.every((u) => Number(u.searchParams.get("since")) > 0),
      `the thread was re-read instead of read after its cursor (${threadReads.map((u) => u.search).join(" ")})`);
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");

    await go(`/stories/${classId}`);
    const story = page.getByTestId("story");
    await story.waitFor();
    const postsBefore = await story.getByTestId("post").count();
    await drop();
    const post = await teacher.post(`/api/stories/${classId}/posts`, { text: `Meanwhile ${stamp}`, media: [], commentsNeedApproval: false });
    assert(await story.getByText(`Meanwhile ${stamp}`).count() === 0, "a post arrived while the page was offline");
    reads.length = 0;
    open();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 30000 });
    await story.getByText(`Meanwhile ${stamp}`).waitFor({ timeout: 15000 });
    assert(await story.locator(`[data-post="${post.postId}"]`).count() === 1, "the post is shown twice");
    assert(await story.getByTestId("post").count() === postsBefore + 1, "the story shows a post twice or lost one");
    const storyReads = reads.filter((u) => u.pathname === `/api/stories/${classId}/posts`);
    assert(storyReads.length > 0 && storyReads.every((u) => Number(u.searchParams.get("after")) > 0),
      `the story was re-read instead of read after its cursor (${storyReads.map((u) => u.search).join(" ")})`);
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // webcursor3: the parent's open thread loses its SignalR connection; meanwhile the teacher withdraws a message and reads the
  // parent's (their pushes go nowhere). On reconnecting the page shows the message withdrawn and the parent's as read, each
  // message once, read only after the thread's change cursor (`since=`), without a reload or reopening the thread.
  async a_reconnecting_thread_shows_the_withdrawal_and_the_read_receipt_made_meanwhile(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = await apiAs(email);
    const stamp = Date.now();
    await teacher.post("/api/conversations", { studentId: noah, mode: "private", text: `Start ${stamp}`, urgent: false });
    const mine = (await parent.get("/api/conversations")).find((c) => c.kind !== "announcement" && c.kind !== "schoolAnnouncement");
    assert(mine, "no conversation for the new parent");
    const oops = await teacher.post(`/api/conversations/${mine.conversationId}/messages`, { text: `Oops ${stamp}`, attachmentIds: [], urgent: false });
    const question = await parent.post(`/api/conversations/${mine.conversationId}/messages`, { text: `Question ${stamp}`, attachmentIds: [], urgent: false });
    const { context, page } = await signInPage(browser, email, "en-CA");
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    const link = await holdReconnects(context, page);
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    // The page marks the teacher's messages read when it shows them: wait for that write, so the teacher's writes below do not
    // race it on the conversation's stream.
    const markedRead = page.waitForResponse((r) => r.url().endsWith(`/api/conversations/${mine.conversationId}/read`), { timeout: 15000 });
    await page.evaluate((to) => { history.pushState(null, "", to); dispatchEvent(new PopStateEvent("popstate")); }, `/messages/${mine.conversationId}`);
    const thread = page.getByTestId("thread");
    await thread.getByText(`Question ${stamp}`).waitFor();
    await thread.getByText(`Oops ${stamp}`).waitFor();
    await markedRead;
    const asked = thread.locator("li", { hasText: `Question ${stamp}` });
    assert(await asked.getByText("Read", { exact: true }).count() === 0, "the parent's message shows as read before the teacher read it");
    const shown = await thread.locator("li").count();
    await page.evaluate(() => { window.__notReloaded = true; });
    const reads = [];
    page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname === `/api/conversations/${mine.conversationId}/messages` && r.method() === "GET") reads.push(u); });

    await link.drop();
    await teacher.delete(`/api/conversations/${mine.conversationId}/messages/${oops.messageId}`);
    await teacher.post(`/api/conversations/${mine.conversationId}/read`, { messageIds: [question.messageId] });
    assert(await thread.getByText(`Oops ${stamp}`).count() === 1, "the withdrawal showed while the page was offline");
    link.release();
    await page.locator("[data-testid=live].on").waitFor({ timeout: 30000 });
    await thread.getByText(`Oops ${stamp}`).waitFor({ state: "detached", timeout: 15000 });
    await asked.getByText("Read", { exact: true }).waitFor({ timeout: 15000 });
    assert(await thread.getByText("Message withdrawn").count() === 1, "the withdrawn message is not shown as withdrawn once");
    assert(await thread.locator("li").count() === shown, "a message is shown twice or lost");
    for (const text of [`Start ${stamp}`, `Question ${stamp}`]) {
      assert(await thread.locator("li", { hasText: text }).count() === 1, `"${text}" is not shown exactly once`);
    }
    assert(reads.length > 0 && reads.every((u) => Number(u.searchParams.get("since")) > 0),
      `the thread was re-read instead of read after its change cursor (${reads.map((u) => u.search).join(" ")})`);
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // A parent who edits the URL to another child's id sees "not found" and nothing of that child.
  async a_parent_cannot_open_another_childs_page_by_editing_the_url(browser) {
    const teacher = await apiAs(demo.teacher);
    const { ava, noah } = await demoClass(teacher);
    const { page } = await signInPage(browser, demo.parent, "en-CA");
    await page.locator(`[data-testid=points-${ava}]`).waitFor();
    // In-app navigation (the session stays in memory) to the other child's page.
    await page.evaluate((id) => { history.pushState(null, "", `/parent/children/${id}`); dispatchEvent(new PopStateEvent("popstate")); }, noah);
    await page.getByTestId("not-found").waitFor();
    assert(!(await page.content()).includes("Noah"), "the other child's name is on the page");
    // Own child: shown.
    await page.evaluate((id) => { history.pushState(null, "", `/parent/children/${id}`); dispatchEvent(new PopStateEvent("popstate")); }, ava);
    await page.getByTestId("child-name").waitFor();
    // A typed URL (a new page load: the session resumes from the refresh cookie): "not found", nothing of the child.
    await page.goto(`${base}/parent/children/${noah}`);
    await page.getByTestId("not-found").waitFor();
    assert(!(await page.content()).includes("Noah"), "the other child's name is on the page after a typed URL");
    const readable = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie);
    assert(!readable.includes("eyJ") && !readable.includes("classcomms-refresh"), "a token is readable by script (storage or a non-HttpOnly cookie)");
  },

  // Every French string has an English one and the reverse; switching language changes the page and is remembered.
  async french_and_english_have_the_same_keys_and_the_choice_is_remembered(browser) {
    const { en, fr } = keySets();
    const missingFr = en.filter((k) => !fr.includes(k));
    const missingEn = fr.filter((k) => !en.includes(k));
    assert(missingFr.length === 0 && missingEn.length === 0, `untranslated: fr lacks ${missingFr}, en lacks ${missingEn}`);
    const { page } = await signInPage(browser, demo.parent, "fr-CA");
    await page.getByRole("heading", { name: "Mes enfants" }).waitFor();
    await page.selectOption("[data-testid=language]", "en");
    await page.getByRole("heading", { name: "My children" }).waitFor();
    await page.reload(); // the session resumes from the HttpOnly refresh cookie; the language from the remembered choice
    await page.getByRole("heading", { name: "My children" }).waitFor();
    assert((await page.getAttribute("html", "lang")) === "en", "the choice of English was not remembered");
  },

  // Ava's parent withdraws photo consent; on another parent's open class story the photo of Ava disappears and the post stays.
  async a_withdrawn_photo_consent_removes_the_photo_from_another_parents_open_story(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId, ava, noah } = await demoClass(teacher);
    const other = await newParentOf(teacher, noah);
    const png = await pngFrom(browser);
    const form = new FormData();
    form.append("file", new Blob([png], { type: "image/png" }), "photo.png");
    const uploaded = await teacher.upload(`/api/stories/${classId}/media`, form);
    const text = `Photo ${Date.now()}`;
    await teacher.post(`/api/stories/${classId}/posts`, { text, media: [{ attachmentId: uploaded.attachmentId, taggedStudentIds: [ava] }], commentsNeedApproval: false });

    const story = (await signInPage(browser, other, "fr-CA")).page;
    await story.getByRole("heading", { name: "Mes enfants" }).waitFor();
    await story.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/stories/${classId}`);
    const post = story.locator("[data-testid=post]", { hasText: text });
    await post.locator("img[data-testid=photo]").waitFor({ timeout: 15000 });
    await story.evaluate(() => { window.__notReloaded = true; });

    const parent = (await signInPage(browser, demo.parent, "fr-CA")).page;
    await parent.locator(`[data-testid=points-${ava}]`).waitFor();
    await parent.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/parent/children/${ava}`);
    await parent.getByTestId("consent-classStoryMedia").getByRole("button", { name: "Retirer le consentement" }).click();
    await parent.getByTestId("consent-classStoryMedia").getByText("Non donné").waitFor();

    await post.getByTestId("photo-removed").waitFor({ timeout: 20000 });
    assert(await post.locator("[data-testid=photo]").count() === 0, "the photo is still on the other parent's page");
    assert(await post.getByText(text).isVisible(), "the post's text is gone");
    assert(await story.evaluate(() => window.__notReloaded === true), "the story page reloaded");
    await (await apiAs(demo.parent)).post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: true }); // as it was
  },

  // The DPO erases a student (in the browser); the parent's open page stops showing the child, without a reload.
  async the_dpo_erases_a_student_and_the_parents_open_page_stops_showing_the_child(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId } = await demoClass(teacher);
    const { studentIds: [eve] } = await teacher.post(`/api/classes/${classId}/students`, { students: [{ name: "Eve Erased" }] });
    const parentEmail = await newParentOf(teacher, eve);
    const parent = (await signInPage(browser, parentEmail, "fr-CA")).page;
    await parent.locator(`[data-testid=points-${eve}]`).waitFor();
    await parent.evaluate(() => { window.__notReloaded = true; });

    const dpo = (await signInPage(browser, demo.dpo, "fr-CA")).page;
    dpo.on("dialog", (dialog) => dialog.accept());
    await dpo.getByTestId(`erase-${eve}`).click();
    await dpo.getByText("Effacement lancé.").waitFor();

    await parent.locator(`[data-testid=points-${eve}]`).waitFor({ state: "detached", timeout: 30000 });
    assert(!(await parent.content()).includes("Eve Erased"), "the erased child's name is still on the parent's page");
    assert(await parent.evaluate(() => window.__notReloaded === true), "the parent's page reloaded");
  },

  // webfamily: the parent's portfolio view (as consent allows), live and by cursor: a new approved item appears without a reload,
  // a later change to it (a comment) replaces it rather than adding it twice; its photo is fetched with the token (blob: URL).
  async a_parent_sees_the_childs_portfolio_and_new_items_arrive_live(browser) {
    const teacher = await apiAs(demo.teacher);
    const { ava } = await demoClass(teacher);
    const { page } = await signInPage(browser, demo.parent, "fr-CA");
    await page.locator(`[data-testid=points-${ava}]`).waitFor();
    await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/parent/children/${ava}`);
    const portfolio = page.getByTestId("portfolio");
    await portfolio.getByText("Ava read her first chapter book on her own.").waitFor({ timeout: 15000 });
    await page.getByRole("heading", { name: "Qui a consulté les données de mon enfant" }).waitFor();
    await page.evaluate(() => { window.__notReloaded = true; });

    const png = await pngFrom(browser);
    const form = new FormData();
    form.append("file", new Blob([png], { type: "image/png" }), "garden.png");
    const uploaded = await teacher.upload(`/api/students/${ava}/portfolio/attachments`, form);
    const caption = `Jardin ${Date.now()}`;
    const added = await teacher.post(`/api/students/${ava}/portfolio`, { kind: "photo", text: caption, attachmentId: uploaded.attachmentId });
    const item = portfolio.locator("[data-testid=portfolio-item]", { hasText: caption });
    await item.locator("img[data-testid=portfolio-photo]").waitFor({ timeout: 20000 });
    assert((await item.locator("img").getAttribute("src")).startsWith("blob:"), "the portfolio photo is not shown from a blob: URL");

    await teacher.post(`/api/students/${ava}/portfolio/${added.itemId}/comments`, { text: "Bravo Ava!" });
    await item.getByText("Bravo Ava!").waitFor({ timeout: 20000 });
    assert(await portfolio.locator("[data-testid=portfolio-item]", { hasText: caption }).count() === 1, "the item is shown twice");
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // webfamily: a child without portfolio-sharing consent: the parent's page says the portfolio is not shared and shows none of it.
  async a_parent_without_portfolio_consent_sees_that_it_is_not_shared(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const other = await newParentOf(teacher, noah);
    await teacher.post(`/api/students/${noah}/portfolio`, { kind: "journal", text: "Noah built a bridge", attachmentId: null });
    const { page } = await signInPage(browser, other, "en-CA");
    await page.locator(`[data-testid=points-${noah}]`).waitFor();
    await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/parent/children/${noah}`);
    await page.getByTestId("portfolio-hidden").waitFor({ timeout: 15000 });
    assert(!(await page.content()).includes("Noah built a bridge"), "an unshared portfolio item is on the page");
  },

  // webfamily: the DPO requests a student's export from the DPO page, follows it to "ready" (push) and downloads the ZIP.
  async the_dpo_requests_an_export_and_downloads_it(browser) {
    const teacher = await apiAs(demo.teacher);
    const { ava } = await demoClass(teacher);
    const { page } = await signInPage(browser, demo.dpo, "fr-CA");
    await page.getByTestId("exports").getByRole("heading").waitFor();
    await page.getByTestId(`export-${ava}`).waitFor({ timeout: 15000 });
    const rows = page.locator(`[data-testid=export-row-${ava}]`);
    const before = await rows.count();
    await page.getByTestId(`export-${ava}`).click();
    await page.getByText("Exportation demandée : suivez-la sous Exportations.").waitFor();
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [`[data-testid=export-row-${ava}]`, before], { timeout: 15000 });
    const button = rows.first().getByTestId("download-export");
    await button.waitFor({ timeout: 60000 });
    assert((await rows.first().getByTestId("export-state").textContent()) === "Prête", "the export is not shown as ready");
    const [file] = await Promise.all([page.waitForEvent("download", { timeout: 30000 }), button.click()]);
    assert(file.suggestedFilename().endsWith(".zip"), `the download is named ${file.suggestedFilename()}`);
    const bytes = readFileSync(await file.path());
    assert(bytes.length > 100 && bytes[0] === 0x50 && bytes[1] === 0x4b, `the download is not a ZIP (${bytes.length} bytes)`);
  },

  // webfamily: a parent asks for the erasure of their own data; the DPO refuses it with a reason; the parent sees the refusal.
  async a_parents_erasure_request_is_refused_by_the_dpo_with_a_reason(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = (await signInPage(browser, email, "en-CA")).page;
    await parent.getByTestId("my-data").click();
    await parent.getByRole("heading", { name: "My data", exact: true }).waitFor();
    await parent.getByLabel("Note for the DPO (optional)").fill("Please remove my account");
    await parent.getByLabel("I understand that erased data cannot be recovered.").check();
    await parent.getByTestId("ask-erasure").click();
    await parent.getByText("Your request was sent.").waitFor();
    await parent.getByTestId("erasure-state-received").waitFor();
    const me = (await (await apiAs(email)).login).userId;

    const dpo = (await signInPage(browser, demo.dpo, "en-CA")).page;
    const row = dpo.getByTestId(`erasure-request-${me}`);
    await row.getByTestId("erasure-state-received").waitFor({ timeout: 15000 });
    await row.getByTestId("read-note").click();
    assert((await row.getByTestId("requester-note").textContent()).includes("Please remove my account"), "the DPO does not see the requester's note");
    await row.getByLabel("Reason for refusal").selectOption("legalHold");
    await row.getByTestId("refuse-erasure").click();
    await row.getByTestId("erasure-state-refused").waitFor();

    await parent.reload();
    await parent.getByTestId("erasure-state-refused").waitFor({ timeout: 15000 });
    assert(await parent.getByText("legal hold").isVisible(), "the refusal's reason is not shown to the parent");
  },

  // webfamily: a photo sent with a reply shows in the thread (uploaded, sent by id, fetched with the token).
  async a_parent_sends_a_photo_in_a_thread(browser) {
    const conversations = await (await apiAs(demo.parent)).get("/api/conversations");
    const thread = conversations.find((c) => c.kind !== "announcement" && c.kind !== "schoolAnnouncement");
    assert(thread, "no private conversation in the demo");
    const png = await pngFrom(browser);
    const { page } = await signInPage(browser, demo.parent, "en-CA");
    await page.getByRole("heading", { name: "My children" }).waitFor();
    await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/messages/${thread.conversationId}`);
    await page.getByTestId("thread").waitFor();
    const before = await page.locator("img[data-testid=message-photo]").count();
    await page.getByLabel("Reply").fill(`With a photo ${Date.now()}`);
    await page.getByLabel("Add a photo (optional)").setInputFiles({ name: "drawing.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForFunction((n) => document.querySelectorAll("img[data-testid=message-photo]").length > n, before, { timeout: 20000 });
    const teacherSees = await (await apiAs(demo.teacher)).get(`/api/conversations/${thread.conversationId}/messages`);
    assert(teacherSees.messages.some((m) => m.attachments.length > 0), "the teacher's thread has no attachment");
  },

  // fan1000: the leader's school-wide announcement, from the leader's home, reaches the demo parent's messages (in French), unanswerable.
  async a_leader_announces_to_the_whole_school_and_a_parent_reads_it(browser) {
    const text = `The school is closed on Friday ${Date.now()}`;
    const { page } = await signInPage(browser, demo.leader, "en-CA");
    await page.getByRole("link", { name: "Announcement to every family of the school" }).click();
    await page.getByLabel("Message").fill(text);
    await page.getByTestId("school-announce").click();
    const result = await page.getByTestId("school-announce-result").textContent({ timeout: 20000 });
    assert(/^Sent to [1-9]\d* parents\.$/.test(result ?? ""), `unexpected result: ${result}`);
    const conversations = await (await apiAs(demo.parent)).get("/api/conversations");
    const school = conversations.find((c) => c.kind === "schoolAnnouncement");
    assert(school, "the parent has no school announcement");
    const parent = (await signInPage(browser, demo.parent, "fr-CA")).page;
    await parent.getByRole("heading", { level: 1 }).waitFor();
    await parent.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, "/messages");
    await parent.getByRole("link", { name: "Annonce de l’école" }).first().waitFor({ timeout: 20000 });
    await parent.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/messages/${school.conversationId}`);
    await parent.getByTestId("thread").getByText(text).waitFor({ timeout: 20000 });
    assert((await parent.locator("textarea").count()) === 0, "a school announcement offers a reply form");
  },

  // webfamily: the DPO approves a parent's erasure request; once the erasure completes, its signed certificate can be viewed.
  async the_dpo_approves_an_erasure_request_and_views_its_certificate(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = await apiAs(email);
    const me = parent.login.userId;
    await parent.post(`/api/erasure-requests/guardians/${me}`, { note: null });

    const { page } = await signInPage(browser, demo.dpo, "fr-CA");
    page.on("dialog", (dialog) => dialog.accept());
    const row = page.getByTestId(`erasure-request-${me}`);
    await row.getByTestId("approve-erasure").click({ timeout: 15000 });
    await row.getByTestId("erasure-state-approved").or(row.getByTestId("erasure-state-completed")).waitFor({ timeout: 15000 });
    // The erasure runs in the background; the certificate is issued when it completes (no push for it: re-open the page).
    for (let i = 0; i < 60 && !(await row.getByTestId("view-certificate").count()); i++) {
      await page.waitForTimeout(1000);
      await page.reload();
      await page.getByTestId("erasure-requests").getByRole("heading").waitFor();
      await row.or(page.getByTestId("exports")).first().waitFor();
    }
    await row.getByTestId("view-certificate").click();
    const text = await row.getByTestId("certificate").textContent();
    assert(text.includes("\"certificate\"") && text.includes("\"signature\""), `not a signed certificate: ${text.slice(0, 200)}`);
    assert(!text.includes(email), "the certificate shows the erased person's e-mail");
  },

  // webteach: a teacher posting a photo is warned before posting when a tagged student has no photo consent, and handles the API's
  // 409 when the consent was withdrawn after tagging: exclude (blur) the student in that photo, then the post goes through.
  async a_teacher_is_warned_before_posting_a_photo_of_a_student_without_consent(browser) {
    const teacher = await apiAs(demo.teacher);
    const parentApi = await apiAs(demo.parent);
    const { classId, ava } = await demoClass(teacher);
    const png = await pngFrom(browser);
    await parentApi.post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: true });
    try {
      const { page } = await signInPage(browser, demo.teacher, "en-CA");
      await page.getByRole("link", { name: /Maple/ }).first().waitFor();
      const compose = async () => {
        await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, `/classes/${classId}/story/new`);
        await page.locator("#story-photos").setInputFiles({ name: "class.png", mimeType: "image/png", buffer: png });
        await page.getByTestId("item-0").waitFor();
        await page.getByTestId(`tag-0-${ava}`).check();
      };
      // 1. Consent given when tagged: no warning; then the parent withdraws it; the API refuses (409) and the page shows the warning.
      await compose();
      const text = `Outing ${Date.now()}`;
      await page.fill("#story-text", text);
      await page.locator("[data-testid=post]:not([disabled])").waitFor();
      assert(await page.getByTestId(`no-consent-0-${ava}`).count() === 0, "a warning was shown for a student with consent");
      await parentApi.post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: false });
      await page.getByTestId("post").click();
      await page.getByTestId(`no-consent-0-${ava}`).waitFor();
      assert((await page.getByTestId("compose-problem").textContent()).includes("consent changed"), "the 409 was not explained");
      assert(!(await teacher.get(`/api/stories/${classId}/posts`)).posts.some((p) => p.text === text), "a refused post was published");
      // Exclude (blur) Ava in that photo: the post goes through, with its photo, and the page moves to the class story.
      await page.getByTestId(`exclude-0-${ava}`).click();
      assert(await page.getByTestId(`no-consent-0-${ava}`).count() === 0, "the warning stayed after excluding the student");
      await page.getByTestId("post").click();
      const post = page.locator("[data-testid=post]", { hasText: text });
      await post.locator("img[data-testid=photo]").waitFor({ timeout: 15000 });
      assert(new URL(page.url()).pathname === `/stories/${classId}`, "the page did not move to the class story");
      // 2. Consent already withdrawn when tagging: the warning shows before posting, and posting is held until it is resolved.
      await compose();
      await page.getByTestId(`no-consent-0-${ava}`).waitFor();
      assert(await page.getByTestId(`no-consent-0-${ava}`).getAttribute("role") === "alert", "the warning is not announced");
      await page.getByTestId("post").click();
      await page.getByTestId("compose-problem").waitFor();
      assert(new URL(page.url()).pathname.endsWith("/story/new"), "posted despite the warning");
    } finally {
      await parentApi.post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: true }); // as it was
    }
  },

  // webteach: the printable sheet has each student's code as text and a QR code image holding /join#code=<code> (the code in the
  // fragment, never sent to a server); the print view hides the app's header and buttons; a printed code works on the join page.
  async the_printable_parent_codes_sheet_shows_codes_and_qr_codes(browser) {
    const teacher = await apiAs(demo.teacher);
    const { classId, ava, noah } = await demoClass(teacher);
    const roster = (await teacher.get(`/api/classes/${classId}`)).students.filter((s) => !s.erased);
    const { page } = await signInPage(browser, demo.teacher, "fr-CA");
    await page.getByRole("link", { name: /Maple/ }).first().click();
    await page.getByTestId("tool-codes").click();
    await page.getByTestId("issue-codes").click();
    await page.getByTestId("code-sheet").waitFor();
    const cards = page.locator("[data-testid^=code-]:not([data-testid=code-sheet])");
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=qr]").length === n, roster.length);
    assert(await cards.count() === roster.length, `${await cards.count()} cards for ${roster.length} students`);
    const codes = {};
    for (const s of roster) {
      const card = page.getByTestId(`code-${s.studentId}`);
      assert((await card.getByRole("heading").textContent()) === s.name, `the card of ${s.studentId} does not name the student`);
      const code = (await card.getByTestId("code").textContent()).trim();
      assert(/^[A-Z0-9-]{6,}$/i.test(code), `no code text on the card: "${code}"`);
      const img = card.getByTestId("qr");
      const rendered = await img.evaluate((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0);
      assert(rendered, "a QR code image did not render");
      // The QR code is the join address with the code in the fragment: the same image, drawn here from that text.
      const expected = qrcode(0, "M"); expected.addData(`${new URL(base).origin}/join#code=${encodeURIComponent(code)}`, "Byte"); expected.make();
      assert((await img.getAttribute("src")) === expected.createDataURL(4, 4), "the QR code does not hold the join address with the code");
      codes[s.studentId] = code;
    }
    assert(new Set(Object.values(codes)).size === roster.length, "two students got the same code");
    await page.emulateMedia({ media: "print" });
    assert(!(await page.locator("header.top").isVisible()) && !(await page.getByTestId("issue-codes").isVisible()), "the print view shows the app's controls");
    assert(await page.getByTestId(`code-${ava}`).isVisible(), "the print view hides the codes");
    // A printed code works: a parent registered with Noah's code opens the QR code's address (in-app, the session is in memory) and adds Ava.
    const other = await newParentOf(teacher, noah, codes[noah]);
    const parent = (await signInPage(browser, other, "fr-CA")).page;
    await parent.locator(`[data-testid=points-${noah}]`).waitFor();
    await parent.evaluate((code) => { history.pushState(null, "", `/join#code=${encodeURIComponent(code)}`); dispatchEvent(new PopStateEvent("popstate")); }, codes[ava]);
    await parent.getByTestId("join-code").waitFor();
    assert((await parent.getByTestId("join-code").inputValue()) === codes[ava], "the join page did not read the code from the fragment");
    assert((await parent.evaluate(() => location.hash)) === "", "the code stayed in the address bar");
    await parent.getByTestId("join-submit").click();
    await parent.locator(`[data-testid=points-${ava}]`).waitFor({ timeout: 15000 });
  },

  // webstaff: the leader's staff page lists the school's staff (names, roles) and a new invitation shows as pending, without a reload.
  async the_leader_sees_the_staff_and_a_new_invitation_as_pending(browser) {
    const teacher = await apiAs(demo.teacher);
    const { page } = await signInPage(browser, demo.leader, "en-CA");
    await page.getByRole("link", { name: "Staff", exact: true }).click();
    const list = page.getByTestId("staff-list");
    await list.locator(`[data-testid=staff-${teacher.login.userId}]`).waitFor({ timeout: 15000 });
    assert((await list.locator(`[data-testid=staff-${teacher.login.userId}]`).textContent()).includes("Teacher"), "the teacher's role is not shown");
    assert(!(await list.textContent()).includes("@"), "the staff list shows an e-mail address");
    const name = `Penny Pending ${Date.now()}`;
    await page.evaluate(() => { window.__notReloaded = true; });
    await page.getByLabel("Role").selectOption("teacher");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("E-mail").fill(`penny-${Date.now()}@demo.classcomms.test`);
    await page.getByTestId("invite").click();
    await page.getByTestId("staff-result").getByText("Invitation sent.").waitFor();
    const row = list.locator("tr", { hasText: name });
    await row.waitFor({ timeout: 15000 });
    await row.getByTestId("staff-pending").waitFor();
    assert(await page.evaluate(() => window.__notReloaded === true), "the page reloaded");
  },

  // webstaff: a leader creates a class for the demo teacher from the app and enrols two students; the teacher's class list has it.
  async a_leader_creates_a_class_for_a_teacher_and_enrols_students(browser) {
    const teacher = await apiAs(demo.teacher);
    const { page } = await signInPage(browser, demo.leader, "fr-CA");
    await page.getByTestId("new-class").click();
    const name = `Classe ${Date.now()}`;
    await page.getByLabel("Nom de la classe").fill(name);
    await page.getByTestId("class-teacher").locator(`option[value="${teacher.login.userId}"]`).waitFor({ state: "attached", timeout: 15000 });
    await page.getByTestId("class-teacher").selectOption(teacher.login.userId);
    await page.getByTestId("create-class").click();
    await page.getByRole("heading", { name: `Inscrire des élèves : ${name}` }).waitFor({ timeout: 15000 });
    await page.getByLabel("Noms des élèves").fill("Léa Tremblay\nOlivier Gagnon\n");
    await page.getByTestId("enrol").click();
    await page.getByTestId("enrol-result").getByText("2 élève(s) inscrit(s).").waitFor();
    await page.getByTestId("enrolled").getByText("Olivier Gagnon").waitFor();
    const mine = (await teacher.get("/api/classes")).find((c) => c.name === name);
    assert(mine && mine.studentCount === 2 && mine.teacherId === teacher.login.userId, `the teacher's list: ${JSON.stringify(mine)}`);
    // The leader sees it among every class of the school.
    await page.getByRole("link", { name: "Retour à la classe" }).click();
    await page.getByTestId("roster").getByText("Léa Tremblay").waitFor();
  },

  // webstaff: the DPO extends an open erasure request's deadline, and exports a member of staff from the DPO page.
  async the_dpo_extends_an_erasure_deadline_and_exports_a_member_of_staff(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = await apiAs(email);
    const me = parent.login.userId;
    const asked = await parent.post(`/api/erasure-requests/guardians/${me}`, { note: null });
    const dpoApi = await apiAs(demo.dpo);
    const before = (await dpoApi.get(`/api/erasure-requests/${asked.requestId}`)).dueAt;

    const { page } = await signInPage(browser, demo.dpo, "en-CA");
    const row = page.getByTestId(`erasure-request-${me}`);
    await row.getByLabel("Reason for the extension").selectOption("complexity", { timeout: 15000 });
    await row.getByTestId("extend-erasure").click();
    await row.getByTestId("erasure-extended").waitFor({ timeout: 15000 });
    const after = await dpoApi.get(`/api/erasure-requests/${asked.requestId}`);
    assert(after.extended && new Date(after.dueAt) > new Date(before), `the deadline did not move: ${before} → ${after.dueAt}`);
    assert(await row.getByTestId("extend-erasure").count() === 0, "the request can be extended twice");
    assert((await row.getByTestId("erasure-due").getAttribute("datetime")) === after.dueAt, "the page does not show the new deadline");

    const staffRows = page.locator(`[data-testid=export-row-${teacher.login.userId}]`);
    const count = await staffRows.count();
    await page.getByTestId(`export-staff-${teacher.login.userId}`).click();
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [`[data-testid=export-row-${teacher.login.userId}]`, count], { timeout: 15000 });
    assert((await staffRows.first().textContent()).includes("Staff"), "the export row does not say it is a member of staff's");
    await staffRows.first().getByTestId("download-export").waitFor({ timeout: 60000 });
    const exports = await dpoApi.get("/api/exports");
    assert(exports.some((e) => e.subjectKind === "staff" && e.subjectId === teacher.login.userId), "no staff export in the API");
  },

  // webstaff: the DPO records an incident from the app, then records the authority's notification, corrects it and withdraws it.
  async the_dpo_records_an_incident_and_updates_it(browser) {
    const dpoApi = await apiAs(demo.dpo);
    const { page } = await signInPage(browser, demo.dpo, "en-CA");
    const section = page.getByTestId("incidents");
    await section.getByTestId("new-incident").click();
    const nature = `Lost USB key ${Date.now()}`;
    await section.getByLabel("What happened").fill(nature);
    await section.getByTestId("category-identity").check();
    await section.getByTestId("category-points").check();
    await section.getByLabel("Number of people concerned").fill("12");
    await section.getByTestId("record-incident").click();
    const row = section.locator("li", { hasText: nature });
    await row.waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-clock").textContent()) === "authority not notified yet", "the 72-hour clock is not shown");
    const id = (await row.getAttribute("data-testid")).replace("incident-", "");

    await row.getByTestId("incident-notify").click();
    await row.getByLabel("Reference (optional)").fill("REF-42");
    await row.getByTestId("save-notification").click();
    await row.getByTestId("incident-notifications").waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-clock").textContent()) === "authority notified in time", "the clock does not say notified");

    await row.getByTestId("incident-correct").click();
    await row.getByTestId("correct-nature").fill(`${nature} (corrected)`);
    await row.getByTestId("save-correction").click();
    await row.getByTestId("incident-nature").getByText(`${nature} (corrected)`).waitFor({ timeout: 15000 });

    await row.getByTestId("incident-withdraw").click();
    await row.getByLabel("Why withdraw it").selectOption("duplicate");
    await row.getByTestId("confirm-withdraw").click();
    await row.getByTestId("incident-withdrawn").waitFor({ timeout: 15000 });
    assert(await row.getByTestId("incident-notify").count() === 0, "a withdrawn incident can still be updated");

    const stored = await dpoApi.get(`/api/dpo/incidents/${id}`);
    assert(stored.nature === `${nature} (corrected)` && stored.subjectCount === 12 && stored.dataCategories.length === 2, `stored: ${JSON.stringify(stored)}`);
    assert(stored.authorityNotifications.length === 1 && stored.authorityNotifications[0].reference === "REF-42", "the notification is not stored");
    assert(stored.withdrawal?.reasonCode === "duplicate", "the withdrawal is not stored");
  },

  // webdpo3: the DPO assesses an incident's risk of serious injury from the register, in French: the API's 400 names each bad field and
  // the page shows it beside that field (focus on the first); assessed not serious, the 72-hour clock turns "no notification
  // required"; reassessed serious, it runs again; the history lists both assessments. Checked back through the API; axe on the form.
  async the_dpo_assesses_an_incidents_risk_and_sees_the_clock_and_history(browser) {
    const dpoApi = await apiAs(demo.dpo);
    const nature = `Misaddressed report cards ${Date.now()}`;
    const now = new Date(Date.now() - 60_000).toISOString();
    const recorded = await dpoApi.post("/api/dpo/incidents", {
      occurredAt: now, discoveredAt: now, nature, dataCategories: ["identity"], subjectIds: [], subjectCount: 3, measures: null });
    const { page } = await signInPage(browser, demo.dpo, "fr-CA");
    const row = page.getByTestId(`incident-${recorded.incidentId}`);
    await row.waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-clock").textContent()) === "autorité pas encore avisée", "the clock is not running");
    await row.getByTestId("incident-risk-none").waitFor();

    await row.getByTestId("incident-assess-risk").click();
    const form = row.getByTestId("risk-form");
    assert(await form.getByTestId("risk-sensitivity").evaluate((e) => e === document.activeElement), "the form does not take the focus");
    // Sensitivity left unchosen, consequences only spaces, "serious" unanswered: the API refuses those three, and only those.
    await form.getByLabel("Conséquences appréhendées").fill("   ");
    await form.getByLabel("Probabilité de ces conséquences").selectOption("possible");
    await form.getByLabel("Motifs").fill("Sealed envelopes, returned unopened.");
    await form.getByTestId("save-risk").click();
    await form.getByTestId("risk-problem").getByText("Certains champs sont à corriger (voir sous chacun).").waitFor({ timeout: 15000 });
    for (const [field, text] of [["sensitivity", "Choisissez la sensibilité des renseignements."],
      ["consequences", "Décrivez les conséquences appréhendées : au plus 4000 caractères, sans saut de ligne."], ["serious", "Indiquez si le risque est sérieux."]]) {
      assert((await form.getByTestId(`risk-error-${field}`).textContent()) === text, `no French error beside ${field}`);
    }
    assert(await form.getByTestId("risk-error-likelihood").count() === 0 && await form.getByTestId("risk-error-reasoning").count() === 0,
      "a valid field is flagged");
    const sensitivity = form.getByTestId("risk-sensitivity");
    assert(await sensitivity.evaluate((e) => e === document.activeElement), "the focus is not on the first bad field");
    assert((await sensitivity.getAttribute("aria-invalid")) === "true" && (await sensitivity.getAttribute("aria-describedby"))?.endsWith("-error"),
      "the bad field is not marked invalid and described by its error");
    await axeCheck(page, "incident risk form with field errors (webdpo3)");
    assert((await dpoApi.get(`/api/dpo/incidents/${recorded.incidentId}`)).risk == null, "a refused assessment was recorded");

    // Corrected with the keyboard for the answer: not serious.
    await sensitivity.selectOption("medium");
    await form.getByLabel("Conséquences appréhendées").fill("Names and grades seen by one other family.");
    await form.getByTestId("risk-serious-no").focus();
    await page.keyboard.press("Space");
    await form.getByTestId("save-risk").click();
    await row.getByTestId("incident-risk-serious").getByText("Risque évalué comme non sérieux").waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-clock").textContent()) === "aucun avis requis", "the clock does not say no notification is required");
    assert(await row.getByTestId("incident-assess-risk").evaluate((e) => e === document.activeElement), "the focus is lost after saving");
    assert((await row.getByTestId("incident-risk-consequences").textContent()) === "Names and grades seen by one other family.", "the consequences are not shown");

    await row.getByTestId("incident-history-toggle").click();
    await row.getByTestId("incident-history-riskAssessed").waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-history-recorded").textContent()).endsWith("Consigné"), "the history does not show the recording");

    // Reassessed as serious: the clock runs again, and the history keeps both assessments.
    await row.getByTestId("incident-assess-risk").click();
    await form.getByTestId("risk-serious-yes").check();
    await form.getByTestId("save-risk").click();
    await row.getByTestId("incident-risk-serious").getByText("Risque de préjudice sérieux").waitFor({ timeout: 15000 });
    assert((await row.getByTestId("incident-clock").textContent()) === "autorité pas encore avisée", "the clock does not run again");
    await page.waitForFunction((id) => document.querySelectorAll(`[data-testid=incident-${id}] [data-testid=incident-history-riskAssessed]`).length === 2,
      recorded.incidentId, { timeout: 15000 });

    const stored = await dpoApi.get(`/api/dpo/incidents/${recorded.incidentId}`);
    assert(stored.risk?.serious === true && stored.risk.sensitivity === "medium" && stored.risk.likelihood === "possible"
      && stored.risk.reasoning === "Sealed envelopes, returned unopened." && stored.authorityClock.state === "running", `stored: ${JSON.stringify(stored.risk)}`);
    assert(stored.history.filter((c) => c.kind === "riskAssessed").length === 2, "the history does not have both assessments");
  },

  // webdpo3: the DPO extends an export's deadline while the export is being built. Run from the xunit test, which holds the build with
  // a real condition (PostgreSQL's lock on the signing keys' table, where the build signs the archive) until this scenario writes the
  // file CLASSCOMMS_E2E_HANDSHAKE names, then releases it: the export then completes with its extended deadline.
  async the_dpo_extends_an_exports_deadline_while_it_is_being_built(browser) {
    const handshake = process.env.CLASSCOMMS_E2E_HANDSHAKE;
    assert(handshake, "CLASSCOMMS_E2E_HANDSHAKE is not set: run it from when_using_the_web_app_in_a_browser.cs, which holds the build");
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const dpoApi = await apiAs(demo.dpo);
    const { page } = await signInPage(browser, demo.dpo, "en-CA");
    await page.getByTestId(`export-${noah}`).waitFor({ timeout: 15000 });
    const known = new Set((await dpoApi.get("/api/exports")).map((e) => e.exportId));
    const rows = page.locator(`[data-testid=export-row-${noah}]`);
    const before = await rows.count();
    await page.getByTestId(`export-${noah}`).click();
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [`[data-testid=export-row-${noah}]`, before], { timeout: 15000 });
    const row = rows.first();
    // Held where it signs the archive: every item collected, "writing", not completed.
    await row.getByTestId("export-state").getByText("Writing", { exact: true }).waitFor({ timeout: 30000 });
    const requested = (await dpoApi.get("/api/exports")).find((e) => !known.has(e.exportId) && e.subjectId === noah);
    assert(requested && !requested.completedAt && !requested.extended, `the export is not open: ${JSON.stringify(requested)}`);

    await row.getByTestId("extend-export").click();
    await row.getByLabel("Reason for the extension").fill("Many requests at the end of the school year");
    await row.getByTestId("confirm-extend-export").click();
    await row.getByTestId("export-extended").waitFor({ timeout: 15000 });
    const after = await dpoApi.get(`/api/exports/${requested.exportId}`);
    assert(after.extended && new Date(after.dueAt) > new Date(requested.dueAt) && !after.completedAt,
      `the deadline did not move, or the export is done: ${requested.dueAt} → ${after.dueAt}`);
    assert((await row.locator("time").getAttribute("datetime")) === after.dueAt, "the page does not show the new deadline");
    assert(await row.getByTestId("extend-export").count() === 0, "a second extension is offered");

    writeFileSync(handshake, "extended");
    await row.getByTestId("download-export").waitFor({ timeout: 90000 });
    const done = await dpoApi.get(`/api/exports/${requested.exportId}`);
    assert(done.completedAt && done.extended && done.dueAt === after.dueAt, `after the build: ${JSON.stringify(done)}`);
  },

  // webdpo3: a parent asks for a copy of only what they provided (Law 25 portability), in English; the request carries the scope and the
  // page shows it; axe on the page with the choice.
  async a_parent_asks_for_a_copy_of_only_what_they_provided(browser) {
    const teacher = await apiAs(demo.teacher);
    const { noah } = await demoClass(teacher);
    const email = await newParentOf(teacher, noah);
    const parent = (await signInPage(browser, email, "en-CA")).page;
    await parent.getByTestId("my-data").click();
    await parent.getByTestId("my-exports").waitFor();
    const all = parent.getByLabel("Everything the school holds about me (right of access)");
    assert(await all.isChecked(), "everything is not the default");
    await axeCheck(parent, "parent's data with the export scope (webdpo3)");
    await parent.getByLabel("Only what I provided, in a reusable format (portability)").check();
    await parent.getByTestId("ask-export").click();
    await parent.getByText("Your request was sent. It is being prepared.").waitFor();
    const mine = await (await apiAs(email)).get("/api/guardians/me/exports");
    assert(mine.length === 1 && mine[0].scope === "providedBySubject", `the request's scope: ${JSON.stringify(mine.map((e) => e.scope))}`);
    await parent.getByTestId("my-export-completed").waitFor({ timeout: 60000 });
    assert((await parent.getByTestId("my-export-scope").textContent()) === "(Only what I provided, in a reusable format (portability))",
      "the list does not show the scope");
  },

  // webstaff3: the leader revokes a pending invitation (its mailed token is then refused) and removes a member of staff (their token is
  // refused at once), each after a confirmation reached by keyboard; removing the school's only DPO is refused with the reason; axe on
  // the page with a confirmation open.
  async the_leader_revokes_an_invitation_and_removes_a_member_of_staff(browser) {
    const outbox = process.env.CLASSCOMMS_STAFF_INVITATION_OUTBOX;
    assert(outbox, "CLASSCOMMS_STAFF_INVITATION_OUTBOX is not set");
    const tokenFor = async (email) => {
      for (let i = 0; i < 200; i++) {
        const mail = (existsSync(outbox) ? readFileSync(outbox, "utf8") : "").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.email === email);
        if (mail) return mail.token;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no invitation mail for ${email} in ${outbox}`);
    };
    const leader = await apiAs(demo.leader);
    const dpo = await apiAs(demo.dpo);
    const stamp = Date.now();
    const member = { name: `Rita Remove ${stamp}`, email: `rita-${stamp}@demo.classcomms.test` };
    const invitee = { name: `Ivy Invite ${stamp}`, email: `ivy-${stamp}@demo.classcomms.test` };
    await leader.post("/api/staff", { role: "teacher", name: member.name, email: member.email });
    await anonymous("POST", "/api/staff/invitations/accept", { token: await tokenFor(member.email), password });
    const rita = await apiAs(member.email);
    await rita.get("/api/classes");
    await leader.post("/api/staff", { role: "teacher", name: invitee.name, email: invitee.email });
    const ivysToken = await tokenFor(invitee.email);

    const { page } = await signInPage(browser, demo.leader, "en-CA");
    await page.getByRole("link", { name: "Staff", exact: true }).click();
    const list = page.getByTestId("staff-list");
    const ivysRow = list.locator("tr", { hasText: invitee.name });
    await ivysRow.getByTestId("staff-pending").waitFor({ timeout: 15000 });
    assert(!(await list.locator(`[data-testid=staff-${leader.login.userId}] button`).count()), "the leader is offered to remove themselves");

    // Revoke, by keyboard: the confirmation takes the focus; Escape cancels; Enter on "Yes, revoke" revokes.
    await page.getByRole("button", { name: `Revoke the invitation of ${invitee.name}` }).focus();
    await page.keyboard.press("Enter");
    const ivysId = (await ivysRow.getAttribute("data-testid")).replace("staff-", "");
    await page.getByTestId(`confirm-${ivysId}`).waitFor();
    assert(await page.evaluate((id) => document.activeElement?.dataset.testid === `confirm-yes-${id}`, ivysId), "the confirmation does not take the focus");
    await page.keyboard.press("Escape");
    await page.getByTestId(`confirm-${ivysId}`).waitFor({ state: "detached" });
    await page.getByRole("button", { name: `Revoke the invitation of ${invitee.name}` }).click();
    await page.getByTestId(`confirm-yes-${ivysId}`).waitFor();
    await page.keyboard.press("Enter");
    await page.getByTestId("staff-action-result").getByText(`The invitation of ${invitee.name} was revoked.`).waitFor({ timeout: 15000 });
    await ivysRow.waitFor({ state: "detached", timeout: 15000 });
    const refused = await anonymous("POST", "/api/staff/invitations/accept", { token: ivysToken, password }).then(() => null, (e) => String(e));
    assert(refused?.includes("answered 400"), `the revoked invitation's token was not refused with 400: ${refused}`);

    // Remove a member: the confirmation says their data is kept; axe on the page with it open.
    const ritasRow = list.locator(`[data-testid=staff-${rita.login.userId}]`);
    await ritasRow.getByRole("button", { name: `Remove ${member.name} from the school` }).click();
    const confirmation = page.getByTestId(`confirm-${rita.login.userId}`);
    await confirmation.getByText("Their data is kept").waitFor();
    const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    await page.evaluate(axe);
    const violations = (await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }))).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
    assert(violations.length === 0, `serious violations on the staff page with a confirmation open: ${violations.join("; ")}`);
    await confirmation.getByRole("button", { name: "Yes, remove" }).click();
    await page.getByTestId("staff-action-result").getByText(`${member.name} was removed from the school.`).waitFor({ timeout: 15000 });
    await ritasRow.waitFor({ state: "detached", timeout: 15000 });
    const afterRemoval = await rita.get("/api/classes").then(() => null, (e) => String(e));
    assert(afterRemoval?.includes("answered 401"), `the removed member's token still works: ${afterRemoval}`);
    const staff = await leader.get("/api/staff");
    assert(!staff.some((m) => m.membershipId === rita.login.userId || m.name === invitee.name), "the API still lists the removed member or the revoked invitation");

    // The school's only DPO: refused, with the reason, and still listed.
    const dposRow = list.locator(`[data-testid=staff-${dpo.login.userId}]`);
    await dposRow.getByRole("button", { name: /^Remove / }).click();
    await page.getByTestId(`confirm-yes-${dpo.login.userId}`).click();
    await page.getByTestId("staff-action-result").getByText("the school must keep a leader and a data protection officer").waitFor({ timeout: 15000 });
    await dposRow.waitFor();
    await dpo.get("/api/staff");
  },

  // axe-core on the main pages of each role: no serious or critical violation.
  async the_main_pages_have_no_serious_accessibility_violation(browser) {
    const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    const teacher = await apiAs(demo.teacher);
    const { classId, ava } = await demoClass(teacher);
    const conversations = await (await apiAs(demo.parent)).get("/api/conversations");
    const found = [];
    const check = async (page, label) => {
      await page.evaluate(axe); // through the debugging protocol: not an inline script, so the CSP still holds
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations) if (v.impact === "serious" || v.impact === "critical") found.push(`${label}: ${v.id} (${v.nodes.length})`);
    };
    const go = async (page, path) => {
      await page.evaluate((p) => { history.pushState(null, "", p); dispatchEvent(new PopStateEvent("popstate")); }, path);
      await page.waitForFunction(() => !document.querySelector("[role=status]")?.textContent?.includes("…"));
      await page.waitForTimeout(200);
    };
    const anon = await browser.newPage();
    await anon.goto(base + "/");
    await anon.locator("#email").waitFor();
    await check(anon, "login");
    await anon.goto(base + "/join#code=ABC"); await anon.getByTestId("register-submit").waitFor(); await check(anon, "register (webparent)");
    const parent = (await signInPage(browser, demo.parent)).page;
    await parent.locator(`[data-testid=points-${ava}]`).waitFor();
    await check(parent, "parent home");
    await go(parent, `/parent/children/${ava}`); await parent.getByTestId("consents").waitFor(); await check(parent, "child");
    await go(parent, `/stories/${classId}`); await parent.getByTestId("story").waitFor(); await check(parent, "class story");
    await go(parent, "/messages"); await check(parent, "messages");
    if (conversations.length) { await go(parent, `/messages/${conversations[0].conversationId}`); await parent.getByTestId("thread").waitFor(); await check(parent, "thread"); }
    await go(parent, `/parent/children/${ava}`); await parent.getByTestId("portfolio-item").first().waitFor(); await parent.getByTestId("access-log").waitFor(); await check(parent, "child portfolio and access log");
    await go(parent, "/parent/privacy"); await parent.getByTestId("ask-erasure").waitFor(); await check(parent, "parent's data and requests");
    const t = (await signInPage(browser, demo.teacher)).page;
    await t.getByRole("link", { name: /Maple/ }).click();
    await t.getByTestId("roster").waitFor();
    await check(t, "teacher class");
    // webteach: the teacher's and leader's pages (the story composer with a photo and a consent warning, the printed codes sheet).
    const parentApi = await apiAs(demo.parent);
    await parentApi.post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: false });
    try {
      await go(t, `/classes/${classId}/story/new`);
      await t.locator("#story-photos").setInputFiles({ name: "class.png", mimeType: "image/png", buffer: await pngFrom(browser) });
      await t.getByTestId(`tag-0-${ava}`).check();
      await t.getByTestId(`no-consent-0-${ava}`).waitFor();
      await check(t, "story composer");
    } finally {
      await parentApi.post(`/api/students/${ava}/consents`, { purpose: "classStoryMedia", given: true });
    }
    await go(t, `/classes/${classId}/codes`); await t.getByTestId("issue-codes").click(); await t.getByTestId("code-sheet").waitFor(); await check(t, "parent codes");
    await go(t, `/classes/${classId}/announce`); await check(t, "announcement");
    await go(t, `/classes/${classId}/approvals`); await t.waitForFunction(() => document.querySelector("[data-testid=no-pending], [data-testid=pending] li")); await check(t, "approvals");
    await go(t, "/settings/quiet-hours"); await check(t, "quiet hours");
    const l = (await signInPage(browser, demo.leader)).page;
    await l.getByRole("link", { name: /Maple/ }).first().waitFor();
    await go(l, "/staff"); await l.getByTestId("staff-list").locator("table").waitFor(); await check(l, "staff (with the staff list)");
    // webstaff: creating a class and enrolling students.
    await go(l, "/classes/new"); await l.getByTestId("class-teacher").waitFor(); await check(l, "new class");
    await go(l, `/classes/${classId}/students/new`); await l.getByTestId("enrolled").waitFor(); await check(l, "enrol students");
    await go(l, `/classes/${classId}/custody`); await l.selectOption("[data-testid=custody-student]", ava); await l.getByTestId("guardians").waitFor(); await check(l, "custody");
    await go(l, `/classes/${classId}/announce`); await check(l, "announcement (leader)");
    await go(l, "/school/announce"); await l.getByTestId("school-announce").waitFor(); await check(l, "school announcement (leader)");
    const d = (await signInPage(browser, demo.dpo)).page;
    await d.getByRole("heading", { level: 1 }).waitFor();
    await d.waitForFunction(() => !document.querySelector("[role=status]")?.textContent?.includes("…"));
    await d.getByTestId("retention").locator("ul").waitFor();
    await d.getByTestId("exports").getByRole("heading").waitFor();
    await check(d, "dpo (requests, erasure requests, exports, subjects, retention)");
    // webstaff: the staff exports, the incident register with its new-incident form open.
    await d.getByTestId("dpo-staff").locator("li").first().waitFor();
    await d.getByTestId("new-incident").click(); await d.getByTestId("record-incident").waitFor();
    await check(d, "dpo (staff exports, incident form)");
    assert(found.length === 0, `serious violations: ${found.join("; ")}`);
  },
};

/** A second parent, of `studentId`: a parent code, a registration, its confirmation from the development outbox. */
async function newParentOf(teacher, studentId, printedCode) {
  const outbox = process.env.CLASSCOMMS_REGISTRATION_OUTBOX;
  assert(outbox, "CLASSCOMMS_REGISTRATION_OUTBOX is not set");
  const code = printedCode ?? (await teacher.post(`/api/students/${studentId}/parent-codes`, {})).code;
  const email = `parent-${Date.now()}@demo.classcomms.test`;
  await anonymous("POST", "/api/guardians/register", { code, name: "Other Parent", email, password });
  // The confirmation mail reaches the development outbox after the registration's commit: wait for it.
  let mail;
  for (let i = 0; i < 200 && !mail; i++) {
    mail = (existsSync(outbox) ? readFileSync(outbox, "utf8") : "").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.email === email);
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  assert(mail, `no confirmation mail for the new parent in ${outbox}`);
  const { token } = mail;
  await anonymous("POST", "/api/guardians/register/confirm", { token });
  return email;
}

/** webparent: the confirmation code mailed to `email` (the development outbox), once it is there. */
async function mailedToken(email) {
  const outbox = process.env.CLASSCOMMS_REGISTRATION_OUTBOX;
  assert(outbox, "CLASSCOMMS_REGISTRATION_OUTBOX is not set");
  for (let i = 0; i < 200; i++) {
    const mail = (existsSync(outbox) ? readFileSync(outbox, "utf8") : "").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.email === email);
    if (mail) return mail.token;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no confirmation mail for ${email} in ${outbox}`);
}

async function pngFrom(browser) {
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 48;
    const g = canvas.getContext("2d");
    g.fillStyle = "#2a7"; g.fillRect(0, 0, 64, 48); g.fillStyle = "#fd0"; g.fillRect(16, 12, 32, 24);
    return canvas.toDataURL("image/png");
  });
  await page.close();
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
const browser = await launch();
let failed = 0;
for (const name of wanted) {
  const scenario = scenarios[name];
  const started = performance.now();
  try {
    if (!scenario) throw new Error(`no scenario named ${name}`);
    await scenario(browser);
    console.log(JSON.stringify({ name, passed: true, ms: Math.round(performance.now() - started) }));
  } catch (e) {
    failed++;
    console.log(JSON.stringify({ name, passed: false, ms: Math.round(performance.now() - started), error: String(e?.stack ?? e) }));
  } finally {
    for (const context of browser.contexts()) await context.close().catch(() => undefined);
  }
}
await browser.close();
process.exit(failed ? 1 : 0);

/** webdpo3: axe-core on the page as it is: no serious or critical violation. */
async function axeCheck(page, label) {
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(bad.length === 0, `${label}: ${bad.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`).join("; ")}`);
}
