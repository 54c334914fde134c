import { useEffect, useState } from "preact/hooks";
import { session } from "./api";

// Media and files need the bearer token, which an <img src> or a plain link cannot carry: fetched with it, then shown or saved
// from a blob: URL (allowed by the CSP); the URL is revoked when the component goes.

export async function fetchWithToken(path: string): Promise<Blob | null> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${session.value?.token ?? ""}` } }).catch(() => null);
  return response?.ok ? response.blob() : null;
}

/** Saves what `path` answers as a file named `fileName` (a blob: link clicked once, then revoked). */
export async function download(path: string, fileName: string): Promise<boolean> {
  const blob = await fetchWithToken(path);
  if (!blob) return false;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

export function AuthImage(props: { attachmentId: string; alt: string; testId?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    void fetchWithToken(`/api/attachments/${props.attachmentId}`).then((blob) => {
      if (blob && !cancelled) { objectUrl = URL.createObjectURL(blob); setUrl(objectUrl); }
    });
    return () => { cancelled = true; if (objectUrl) URL.revokeObjectURL(objectUrl); };
  }, [props.attachmentId]);
  return url
    ? <img class="photo" src={url} alt={props.alt} data-testid={props.testId ?? "photo"} />
    : <div class="photo placeholder" role="img" aria-label={props.alt} data-testid={`${props.testId ?? "photo"}-loading`} />;
}

/** Uploads one file (multipart field `file`) with the token; the API's JSON answer, or null with the status. */
export async function upload<T>(path: string, file: File): Promise<{ data: T | null; status: number }> {
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch(path, { method: "POST", body: form, headers: { Authorization: `Bearer ${session.value?.token ?? ""}` } })
    .catch(() => null);
  if (!response) return { data: null, status: 0 };
  return { data: response.ok ? ((await response.json()) as T) : null, status: response.status };
}
