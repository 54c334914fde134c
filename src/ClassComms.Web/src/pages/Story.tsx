import { useEffect, useState } from "preact/hooks";
import { api, session } from "../api";
import { formatDate, t } from "../i18n";
import { Status, useLoad } from "../ui";

const aboutStory = (storyId: string) => (name: string, notice: Record<string, unknown>) =>
  (name === "StoryPostPublished" || name === "StoryItemChanged") && notice.storyId === storyId;

export function StoryPage(props: { storyId: string }) {
  const storyId = props.storyId;
  const story = useLoad(() => api.GET("/api/stories/{storyId}/posts", { params: { path: { storyId } } }), [storyId], aboutStory(storyId));
  if (story.status !== "ok" || !story.data) return <Status load={story} />;
  return (
    <section>
      <h1>{t("story.heading")}</h1>
      {story.data.posts.length === 0 && <p>{t("story.none")}</p>}
      <ol class="cards" data-testid="story">
        {story.data.posts.map((post) => (
          <li class="card" key={post.postId} data-testid="post">
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
