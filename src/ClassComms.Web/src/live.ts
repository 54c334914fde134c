import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import { session } from "./api";
import { signal } from "./signal";

// Pushes from /hubs/notifications (ids only; the page re-reads the API, which is the truth). A reconnect asks every open page to
// catch up (re-read), so nothing is lost; pages read by id, so nothing is shown twice.
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
