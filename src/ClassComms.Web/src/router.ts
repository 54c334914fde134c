import { signal } from "./signal";

// History-based routing. Paths carry opaque ids only (never a name or an e-mail).
export const path = signal(location.pathname);
window.addEventListener("popstate", () => { path.value = location.pathname; });

export function navigate(to: string) {
  if (to === location.pathname) return;
  history.pushState(null, "", to);
  path.value = to;
  window.scrollTo(0, 0);
}

/** Matches "/parent/children/:id" against the current path; returns the parameters or null. */
export function match(pattern: string, current: string): Record<string, string> | null {
  const a = pattern.split("/").filter(Boolean);
  const b = current.split("/").filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(":")) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}
