import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { t } from "./i18n";
import { navigate } from "./router";
import { onPush } from "./live";

export function Link(props: { href: string; children: ComponentChildren; class?: string; "aria-label"?: string; "data-testid"?: string }) {
  return (
    <a href={props.href} class={props.class} aria-label={props["aria-label"]} data-testid={props["data-testid"]}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}>{props.children}</a>
  );
}

export type Load<T> = { status: "loading" | "ok" | "notfound" | "error"; data?: T; reload: () => void };

/** Reads from the API; re-reads when `deps` change and when `refreshOn(pushName, notice)` says a push concerns this page. */
export function useLoad<T>(read: () => Promise<{ data?: T; response: Response }>, deps: unknown[],
  refreshOn?: (name: string, notice: Record<string, unknown>) => boolean): Load<T> {
  const [state, setState] = useState<{ status: Load<T>["status"]; data?: T }>({ status: "loading" });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    read().then(({ data, response }) => {
      if (mine !== generation.current) return;
      if (data !== undefined && response.ok) setState({ status: "ok", data });
      else setState({ status: response.status === 404 || response.status === 403 ? "notfound" : "error" });
    }, () => { if (mine === generation.current) setState((s) => ({ ...s, status: s.data ? s.status : "error" })); });
  }, deps);
  useEffect(() => { setState({ status: "loading" }); reload(); }, [reload]);
  useEffect(() => onPush((name, notice) => { if (name === "Reconnected" || refreshOn?.(name, notice)) reload(); }), [reload]);
  return { ...state, reload };
}

export function Status(props: { load: Load<unknown> }) {
  if (props.load.status === "loading") return <p role="status">{t("app.loading")}</p>;
  if (props.load.status === "notfound") return <p role="alert" data-testid="not-found">{t("app.notFound")}</p>;
  if (props.load.status === "error") return <p role="alert">{t("app.error")}</p>;
  return null;
}
