import { useEffect, useRef, useState } from "preact/hooks";
import { api, session } from "../api";
import { t } from "../i18n";
import { navigate } from "../router";
import { Link, Status, useLoad } from "../ui";

// A Class Story post from the teacher: text and photos, with the students who appear tagged per photo. Before posting, each tagged
// student's consent for the Class Story is read (GET /api/students/{id}/consents, for the class teacher) and a tag without consent is
// flagged on its photo, with "exclude or blur in this photo" (the API's excludedStudentIds: no consent needed) or "untag". The API
// decides again at posting time (a consent may have been withdrawn since): its 409 names each item and student, and the page shows
// the same warning from that answer.

type Item = { attachmentId: string; preview: string; fileName: string; tagged: string[]; excluded: string[] };
type MissingConsent = { mediaIndex: number; attachmentId: string; studentId: string; purpose: string };
const purpose = "classStoryMedia";

export function StoryComposerPage(props: { classId: string }) {
  const classId = props.classId;
  const view = useLoad(() => api.GET("/api/classes/{classId}", { params: { path: { classId } } }), [classId]);
  const [text, setText] = useState("");
  const [items, setItems] = useState<Item[]>([]);
  // Consent per student as last read (true: given); refused by the API at posting time counts as not given.
  const [consent, setConsent] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const previews = useRef<Item[]>([]);
  previews.current = items;
  useEffect(() => () => previews.current.forEach((i) => URL.revokeObjectURL(i.preview)), []);
  if (view.status !== "ok" || !view.data) return <Status load={view} />;
  const students = view.data.students.filter((s) => !s.erased);
  const nameOf = (id: string) => students.find((s) => s.studentId === id)?.name ?? "";

  const readConsent = async (studentId: string) => {
    if (studentId in consent) return;
    const { data } = await api.GET("/api/students/{studentId}/consents", { params: { path: { studentId } } });
    const given = data?.consents.find((c) => c.purpose === purpose)?.given ?? false;
    setConsent((c) => ({ ...c, [studentId]: given }));
  };

  const upload = async (files: FileList | null) => {
    if (!files) return;
    setProblem(null);
    setBusy(true);
    const added: Item[] = [];
    for (const file of Array.from(files)) {
      const form = new FormData();
      form.append("file", file, file.name);
      const response = await fetch(`/api/stories/${classId}/media`, {
        method: "POST", body: form, headers: { Authorization: `Bearer ${session.value?.token ?? ""}` },
      }).catch(() => null);
      if (!response?.ok) { setProblem(response?.status === 413 ? t("compose.tooLarge") : t("compose.uploadFailed")); continue; }
      const { attachmentId } = await response.json() as { attachmentId: string };
      added.push({ attachmentId, preview: URL.createObjectURL(file), fileName: file.name, tagged: [], excluded: [] });
    }
    setItems((current) => [...current, ...added]);
    setBusy(false);
  };

  const change = (index: number, edit: (item: Item) => Item) => setItems((current) => current.map((item, i) => (i === index ? edit(item) : item)));
  const toggleTag = (index: number, studentId: string, on: boolean) => {
    change(index, (item) => ({
      ...item,
      tagged: on ? [...item.tagged.filter((s) => s !== studentId), studentId] : item.tagged.filter((s) => s !== studentId),
      excluded: item.excluded.filter((s) => s !== studentId),
    }));
    if (on) void readConsent(studentId);
  };
  const exclude = (index: number, studentId: string) =>
    change(index, (item) => ({ ...item, tagged: item.tagged.filter((s) => s !== studentId), excluded: [...item.excluded, studentId] }));
  const untag = (index: number, studentId: string) =>
    change(index, (item) => ({ ...item, tagged: item.tagged.filter((s) => s !== studentId), excluded: item.excluded.filter((s) => s !== studentId) }));
  const remove = (index: number) => setItems((current) => current.filter((item, i) => { if (i === index) URL.revokeObjectURL(item.preview); return i !== index; }));

  const warnings = items.flatMap((item, index) => item.tagged.filter((s) => consent[s] === false).map((studentId) => ({ index, studentId })));
  const pending = items.some((item) => item.tagged.some((s) => !(s in consent)));

  const post = async () => {
    setProblem(null);
    if (warnings.length > 0) { setProblem(t("compose.resolveFirst")); return; }
    setBusy(true);
    const body = {
      text: text.trim() || null,
      media: items.map((i) => ({ attachmentId: i.attachmentId, taggedStudentIds: i.tagged, excludedStudentIds: i.excluded })),
      commentsNeedApproval: false,
    };
    const { data, error, response } = await api.POST("/api/stories/{storyId}/posts", { params: { path: { storyId: classId } }, body });
    setBusy(false);
    if (data) { navigate(`/stories/${classId}`); return; }
    const missing = (error as unknown as { missingConsents?: MissingConsent[] } | undefined)?.missingConsents;
    if (response.status === 409 && missing?.length) {
      // The consent changed since it was read: show the API's answer as the same per-photo warnings.
      setConsent((c) => ({ ...c, ...Object.fromEntries(missing.map((m) => [m.studentId, false])) }));
      setProblem(t("compose.refused"));
    } else if (response.status === 400) setProblem(t("compose.invalid"));
    else setProblem(t("app.error"));
  };

  return (
    <section>
      <h1>{t("compose.heading", { name: view.data.name ?? "" })}</h1>
      <p><Link href={`/classes/${classId}`}>{t("tools.backToClass")}</Link></p>
      <form onSubmit={(e) => { e.preventDefault(); void post(); }}>
        <label for="story-text">{t("compose.text")}</label>
        <textarea id="story-text" rows={4} maxLength={4000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <label for="story-photos">{t("compose.photos")}</label>
        <input id="story-photos" type="file" accept="image/*" multiple disabled={busy || items.length >= 10} data-testid="photos"
          onChange={(e) => { void upload(e.currentTarget.files); e.currentTarget.value = ""; }} />
        <p class="hint">{t("compose.tagHint")}</p>
        <ol class="compose-items">
          {items.map((item, index) => (
            <li class="panel" key={item.attachmentId} data-testid={`item-${index}`}>
              <img class="photo thumb" src={item.preview} alt={t("compose.photoAlt", { n: index + 1 })} />
              <fieldset>
                <legend>{t("compose.whoAppears", { n: index + 1 })}</legend>
                <ul class="tags">
                  {students.map((s) => {
                    const id = `tag-${index}-${s.studentId}`;
                    const excluded = item.excluded.includes(s.studentId);
                    return (
                      <li key={s.studentId}>
                        <input type="checkbox" id={id} checked={item.tagged.includes(s.studentId)} disabled={excluded}
                          data-testid={`tag-${index}-${s.studentId}`} onChange={(e) => toggleTag(index, s.studentId, e.currentTarget.checked)} />
                        <label for={id}>{s.name}{excluded ? ` (${t("compose.excludedMark")})` : ""}</label>
                        {excluded && <button type="button" class="link" onClick={() => untag(index, s.studentId)}>{t("compose.undoExclude", { name: s.name ?? "" })}</button>}
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
              {warnings.filter((w) => w.index === index).map((w) => (
                <div class="warning" role="alert" key={w.studentId} data-testid={`no-consent-${index}-${w.studentId}`}>
                  <p>{t("compose.noConsent", { name: nameOf(w.studentId), n: index + 1 })}</p>
                  <button type="button" class="small" data-testid={`exclude-${index}-${w.studentId}`} onClick={() => exclude(index, w.studentId)}>
                    {t("compose.exclude", { name: nameOf(w.studentId) })}</button>
                  <button type="button" class="small secondary" onClick={() => untag(index, w.studentId)}>{t("compose.untag", { name: nameOf(w.studentId) })}</button>
                </div>
              ))}
              <button type="button" class="link" onClick={() => remove(index)}>{t("compose.removePhoto", { n: index + 1 })}</button>
            </li>
          ))}
        </ol>
        {problem && <p role="alert" class="problem" data-testid="compose-problem">{problem}</p>}
        <button type="submit" disabled={busy || pending || (text.trim() === "" && items.length === 0)} data-testid="post">{t("compose.post")}</button>
        {(busy || pending) && <p role="status" class="muted">{t("app.loading")}</p>}
      </form>
    </section>
  );
}
