import { useEffect, useRef } from "preact/hooks";
import { resume, resuming, roleOf, session, signOut } from "./api";
import { lang, setLang, t, type Lang } from "./i18n";
import { connect, disconnect, online } from "./live";
import { match, navigate, path } from "./router";
import { useSignals } from "./signal";
import { Link } from "./ui";
import { LoginPage } from "./pages/Login";
import { ChildPage, ParentHome } from "./pages/Parent";
import { MessagesPage, ThreadPage } from "./pages/Messages";
import { StoryPage } from "./pages/Story";
import { ClassPage, TeacherHome } from "./pages/Teacher";
import { DpoHome } from "./pages/Dpo";
import { MyDataPage } from "./pages/ParentPrivacy";
import { lazyPage } from "./lazy";
// webteach: the teacher's and leader's pages, loaded on first use.
const StoryComposerPage = lazyPage(() => import("./pages/StoryComposer").then((m) => m.StoryComposerPage));
const ParentCodesPage = lazyPage(() => import("./pages/ParentCodes").then((m) => m.ParentCodesPage));
const AnnouncePage = lazyPage(() => import("./pages/ClassTools").then((m) => m.AnnouncePage));
const ApprovalsPage = lazyPage(() => import("./pages/ClassTools").then((m) => m.ApprovalsPage));
const QuietHoursPage = lazyPage(() => import("./pages/ClassTools").then((m) => m.QuietHoursPage));
const CustodyPage = lazyPage(() => import("./pages/Leader").then((m) => m.CustodyPage));
const StaffPage = lazyPage(() => import("./pages/Leader").then((m) => m.StaffPage));
// webstaff: creating a class and enrolling students.
const NewClassPage = lazyPage(() => import("./pages/ClassAdmin").then((m) => m.NewClassPage));
const EnrolPage = lazyPage(() => import("./pages/ClassAdmin").then((m) => m.EnrolPage));
const SchoolAnnouncePage = lazyPage(() => import("./pages/Leader").then((m) => m.SchoolAnnouncePage));
const JoinPage = lazyPage(() => import("./pages/Join").then((m) => m.JoinPage));

export function homeOf(role: string) {
  if (role === "guardian") return "/parent";
  if (role === "dpo") return "/dpo";
  return "/classes"; // teacher, leader
}

let wasSignedIn = false;
session.subscribe(() => {
  const signedIn = session.value !== null;
  if (signedIn && !wasSignedIn) void connect();
  if (!signedIn && wasSignedIn) { void disconnect(); navigate("/"); }
  wasSignedIn = signedIn;
});

void resume();

function Route() {
  const p = path.value;
  const s = session.value;
  if (!s && resuming.value) return <p role="status">{t("app.loading")}</p>;
  if (!s) return p === "/join" ? <JoinPage /> : <LoginPage />; // webparent: a signed-out parent registers with the code
  const role = roleOf(s);
  let m;
  if (p === "/" || p === "") { navigate(homeOf(role)); return null; }
  if (p === "/parent") return <ParentHome />;
  if ((m = match("/parent/children/:studentId", p))) return <ChildPage studentId={m.studentId} />;
  if (p === "/parent/privacy") return <MyDataPage />;
  if (p === "/messages") return <MessagesPage />;
  if ((m = match("/messages/:conversationId", p))) return <ThreadPage conversationId={m.conversationId} />;
  if ((m = match("/stories/:storyId", p))) return <StoryPage storyId={m.storyId} />;
  if (p === "/classes") return <TeacherHome />;
  if (p === "/classes/new") return <NewClassPage />; // webstaff
  if ((m = match("/classes/:classId/students/new", p))) return <EnrolPage classId={m.classId} />; // webstaff
  if ((m = match("/classes/:classId", p))) return <ClassPage classId={m.classId} />;
  if (p === "/dpo") return <DpoHome />;
  // webteach: the teacher's and leader's class tools, quiet hours, staff, and the parent-code QR target.
  if ((m = match("/classes/:classId/story/new", p))) return <StoryComposerPage classId={m.classId} />;
  if ((m = match("/classes/:classId/codes", p))) return <ParentCodesPage classId={m.classId} />;
  if ((m = match("/classes/:classId/announce", p))) return <AnnouncePage classId={m.classId} />;
  if ((m = match("/classes/:classId/approvals", p))) return <ApprovalsPage classId={m.classId} />;
  if ((m = match("/classes/:classId/custody", p))) return <CustodyPage classId={m.classId} />;
  if (p === "/settings/quiet-hours") return <QuietHoursPage />;
  if (p === "/staff") return <StaffPage />;
  if (p === "/school/announce") return <SchoolAnnouncePage />;
  if (p === "/join") return <JoinPage />;
  return <p role="alert" data-testid="not-found">{t("app.notFound")}</p>;
}

export function App() {
  useSignals(path, session, lang, online, resuming);
  const main = useRef<HTMLElement>(null);
  // Move focus to the content on navigation, so keyboard and screen-reader users start at the new page.
  useEffect(() => { main.current?.focus(); }, [path.value]);
  const s = session.value;
  return (
    <>
      <a class="skip" href="#main">{t("app.skip")}</a>
      <header class="top">
        <span class="brand">{t("app.title")}</span>
        {s && (
          <nav aria-label={t("nav.main")}>
            <Link href={homeOf(roleOf(s))}>{t("nav.home")}</Link>
            {roleOf(s) !== "dpo" && <Link href="/messages">{t("nav.messages")}</Link>}
          </nav>
        )}
        <span class="spacer" />
        {s && <span class={online.value ? "live on" : "live"} role="status" data-testid="live">{online.value ? t("app.live") : t("app.offline")}</span>}
        <label class="lang">
          <span class="visually-hidden">{t("app.language")}</span>
          <select value={lang.value} data-testid="language" onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
            <option value="fr" lang="fr">Français</option>
            <option value="en" lang="en">English</option>
          </select>
        </label>
        {s && <button type="button" class="link" onClick={() => void signOut()}>{t("app.signOut")}</button>}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Route />
      </main>
    </>
  );
}
