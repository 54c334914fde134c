import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "./api";
import { follow } from "./live";

export type FeedItem = Schemas["FeedItem"];
const pageSize = 200;

/**
 * The guardian's points feed, read by cursor (`GET /api/guardians/me/feed?after=`): from 0 once, then on a `PointAwarded` or
 * `PointRemoved` push and on a SignalR reconnect only what came after the last cursor (feed cursors have holes but only grow, so
 * the page keeps the cursor the API answers and never computes one). Points are kept by point id: an award read twice is one
 * point, a removal drops it, so nothing is shown twice. The feed holds every point event of the guardian's visible children, so
 * the counts are its sums (as the student's own counts are the sums of the same events). `restart` reads from 0 again (a newly
 * linked child's earlier points sit below the cursor).
 */
export function useFeed() {
  const [state, setState] = useState<{ status: "loading" | "ok" | "error"; points: Map<string, FeedItem> }>(
    { status: "loading", points: new Map() });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let alive = true;
    let cursor = 0;
    const points = new Map<string, FeedItem>();
    const removed = new Set<string>();
    setState({ status: "loading", points: new Map() });
    const stop = follow(async () => {
      const { data } = await api.GET("/api/guardians/me/feed", { params: { query: { after: cursor, limit: pageSize } } });
      if (!alive) return false;
      if (!data) { setState((s) => (s.status === "loading" ? { ...s, status: "error" } : s)); return false; }
      cursor = data.cursor;
      for (const item of data.items) {
        if (item.kind === "pointRemoved") { removed.add(item.pointId); points.delete(item.pointId); }
        else if (!removed.has(item.pointId)) points.set(item.pointId, item);
      }
      setState({ status: "ok", points: new Map(points) });
      return data.items.length === pageSize;
    }, (name) => name === "PointAwarded" || name === "PointRemoved",
    () => setState((s) => (s.status === "loading" ? { ...s, status: "error" } : s)));
    return () => { alive = false; stop(); };
  }, [generation]);
  return { ...state, restart: () => setGeneration((g) => g + 1) };
}

/** A child's positive and needs-work totals (sums of the values of the points standing), and its newest points. */
export function pointsOf(points: Map<string, FeedItem>, studentId: string) {
  let positive = 0;
  let needsWork = 0;
  const mine: FeedItem[] = [];
  for (const p of points.values()) {
    if (p.studentId !== studentId) continue;
    if (p.positive) positive += p.value; else needsWork += p.value;
    mine.push(p);
  }
  mine.sort((a, b) => b.cursor - a.cursor);
  return { positive, needsWork, recent: mine };
}
