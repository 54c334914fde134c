import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { session } from "./api";
import { signal } from "./signal";

// Pushes from /hubs/notifications (ids only; the page re-reads the API, which is the truth). A reconnect asks every open page to
// catch up (from its cursor where it follows one, see `follow`; otherwise a re-read), so nothing is lost; pages keep items by id,
// so nothing is shown twice.
export const online = signal(false);
type Handler = (name: string, notice: Record<string, unknown>) => void;
const handlers = new Set<Handler>();
const events = [
  "PointAwarded", "PointRemoved", "MessageReceived", "MessageWithdrawn", "MessagesRead", "StoryPostPublished",
  "StoryCommentPublished", "StoryItemChanged", "PortfolioChanged", "AgeOfConsentReached", "ExportProgressed", "ChildRemoved",
];
let connection: HubConnection | null = null;

export function onPush(handler: Handler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

function emit(name: string, notice: Record<string, unknown>) {
  for (const handler of [...handlers]) handler(name, notice);
}

export async function connect() {
  await disconnect();
  const hub = new HubConnectionBuilder()
    .withUrl("/hubs/notifications", { accessTokenFactory: () => session.value?.token ?? "" })
    .withAutomaticReconnect()
    .configureLogging(LogLevel.None)
    .build();
  for (const name of events) hub.on(name, (notice: Record<string, unknown>) => emit(name, notice));
  hub.onreconnecting(() => { online.value = false; });
  hub.onreconnected(() => { online.value = true; emit("Reconnected", {}); });
  hub.onclose(() => { online.value = false; });
  connection = hub;
  try {
    await hub.start();
    online.value = hub.state === HubConnectionState.Connected;
  } catch {
    online.value = false;
  }
}

export async function disconnect() {
  const hub = connection;
  connection = null;
  online.value = false;
  if (hub) await hub.stop().catch(() => undefined);
}

/**
 * Follows a read by cursor: `step` reads once after the caller's cursor, merges what came by id and answers whether more may
 * follow (a full page). It runs at once, then again on a push that `wants` accepts and on every reconnect, one run at a time (a
 * push during a run runs it once more after), so a page catches up from its cursor: nothing lost, nothing shown twice, no
 * re-read of the whole page. Returns the stop function; its `pull` runs it once more now (after the page's own write).
 */
export function follow(step: () => Promise<boolean>, wants: (name: string, notice: Record<string, unknown>) => boolean,
  failed?: () => void): (() => void) & { pull: () => void } {
  let alive = true;
  let running = false;
  let again = false;
  const pull = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        while (alive && (await step()));
      } while (again && alive);
    } catch {
      if (alive) failed?.();
    } finally {
      running = false;
    }
  };
  void pull();
  const off = onPush((name, notice) => { if (name === "Reconnected" || wants(name, notice)) void pull(); });
  return Object.assign(() => { alive = false; off(); }, { pull: () => void pull() });
}
