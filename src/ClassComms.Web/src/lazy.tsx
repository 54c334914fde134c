import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "./i18n";

/** A page loaded on first use (its own chunk): the staff pages stay out of the parent's first download. */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (!Page) void load().then((c) => { loaded = c; setPage(() => c); });
    }, []);
    return Page ? <Page {...props} /> : <p role="status">{t("app.loading")}</p>;
  };
}
