import { useEffect, useState } from "preact/hooks";
import { api, session, type Schemas } from "../api";
import { formatDate, t } from "../i18n";
import { follow } from "../live";
import { Status } from "../ui";

type Post = Schemas["StoryPostItem"];
const aboutStory = (storyId: string) => (name: string, notice: Record<string, unknown>) =>
  (name === "StoryPostPublished" || name === "StoryItemChanged") && notice.storyId === storyId;
const catchUpPage = 50;

/**
 * webparent: the class story, kept up to date by cursor (`GET /api/stories/{id}/posts?after=`): the newest posts are read once
 * (their highest cursor is the page's), then on a story push and on a SignalR reconnect only what changed after the cursor: a new
 * post, a post edited or whose photo was taken down (it comes again whole and replaces the one shown), a deleted post (dropped).
 * Posts are kept by id, so nothing is shown twice; reading continues while the cursor moves.
 */
function useStory(storyId: string) {
  const [state, setState] = useState<{ status: "loading" | "ok" | "notfound" | "error"; posts: Post[] }>({ status: "loading", posts: [] });
  useEffect(() => {
    let alive = true;
    let cursor: number | null = null;
    const posts = new Map<string, Post>();
    setState({ status: "loading", posts: [] });
    const show = () => setState({ status: "ok", posts: [...posts.values()].sort((a, b) => b.postedAt.localeCompare(a.postedAt)) });
    const stop = follow(async () => {
      if (cursor === null) {
        const { data, response } = await api.GET("/api/stories/{storyId}/posts", { params: { path: { storyId } } });
        if (!alive) return false;
        if (!data) { setState((s) => ({ ...s, status: response.status === 404 || response.status === 403 ? "notfound" : "error" })); return false; }
        for (const p of data.posts) posts.set(p.postId, p);
        cursor = data.posts.reduce((max, p) => Math.max(max, p.cursor), 0);
        show();
        return false;
      }
      const from: number = cursor;
      const { data } = await api.GET("/api/stories/{storyId}/posts", { params: { path: { storyId }, query: { after: from, limit: catchUpPage } } });
      if (!alive) return false;
      if (!data) throw new Error("story");
      for (const p of data.posts) posts.set(p.postId, p);
      for (const d of data.deleted ?? []) posts.delete(d.postId);
      cursor = Math.max(from, data.cursor);
      show();
      return cursor > from;
    }, aboutStory(storyId), () => setState((s) => (s.status === "loading" ? { ...s, status: "error" } : s)));
    return () => { alive = false; stop(); };
  }, [storyId]);
  return state;
}

export function StoryPage(props: { storyId: string }) {
  const story = useStory(props.storyId);
  if (story.status !== "ok") return <Status load={{ status: story.status, reload: () => undefined }} />;
  return (
    <section>
      <h1>{t("story.heading")}</h1>
      {story.posts.length === 0 && <p>{t("story.none")}</p>}
      <ol class="cards" data-testid="story">
        {story.posts.map((post) => (
          <li class="card" key={post.postId} data-testid="post" data-post={post.postId}>
            <p class="muted"><strong>{post.authorName}</strong> <time dateTime={post.postedAt}>{formatDate(post.postedAt)}</time></p>
            <p>{post.text}</p>
            {post.media.map((m) => m.kind === "image" || m.contentType.startsWith("image/")
              ? <Photo key={m.attachmentId} attachmentId={m.attachmentId} />
              : null)}
            {post.removedMedia > 0 && <p class="muted" data-testid="photo-removed">{t("story.photoRemoved")}</p>}
            <p class="muted">{t("story.likes", { count: post.likes })}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

// Media need the bearer token, which an <img src> cannot carry: fetched, then shown from a blob: URL (allowed by the CSP).
function Photo(props: { attachmentId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    fetch(`/api/attachments/${props.attachmentId}`, { headers: { Authorization: `Bearer ${session.value?.token ?? ""}` } })
      .then((r) => (r.ok ? r.blob() : null))
      .then((blob) => { if (blob && !cancelled) { objectUrl = URL.createObjectURL(blob); setUrl(objectUrl); } });
    return () => { cancelled = true; if (objectUrl) URL.revokeObjectURL(objectUrl); };
  }, [props.attachmentId]);
  return url ? <img class="photo" src={url} alt={t("story.photo")} data-testid="photo" /> : <div class="photo placeholder" data-testid="photo" />;
}
