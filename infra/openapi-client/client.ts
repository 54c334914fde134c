// A small ClassComms client written against the TypeScript types generated from /openapi/v1.json
// (infra/openapi-client.sh generates ./generated/classcomms.ts, then type-checks this file; nothing here is run).
// It compiles only if the responses it reads are typed: an `unknown` or `never` body fails the property accesses,
// and an `any` body fails the `@ts-expect-error` lines, which must each be an error.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/classcomms";

type Schemas = components["schemas"];

export const api = createClient<paths>({ baseUrl: "http://127.0.0.1:5080" });

/** Sign in, award a point, read the guardian feed after a cursor: the README's main flow. */
export async function signInAndAward(email: string, password: string, classId: string, skillId: string, studentId: string) {
  const signedIn = await api.POST("/api/auth/login", { body: { email, password } });
  if (signedIn.error) {
    // Problems are typed too: RFC 7807 fields.
    const status: number | null | undefined = signedIn.error.status;
    return { refused: status };
  }

  const token: string = signedIn.data.token;
  const refreshToken: string = signedIn.data.refreshToken;
  const schools: string[] = signedIn.data.memberships.map((m) => m.schoolId);
  // @ts-expect-error the access token is a string, not a number
  const wrongToken: number = signedIn.data.token;

  const headers = { Authorization: `Bearer ${token}` };
  const awarded = await api.POST("/api/classes/{classId}/points", {
    params: { path: { classId } },
    headers,
    body: { skillId, studentIds: [studentId], wholeClass: false },
  });
  if (awarded.error) {
    const fields: Record<string, string[]> | undefined = "errors" in awarded.error ? awarded.error.errors : undefined;
    return { refused: awarded.response.status, fields };
  }

  const awardId: string = awarded.data.awardId;
  const pointIds: string[] = awarded.data.points.map((p) => p.pointId);
  // @ts-expect-error points is a list, not a count
  const wrongCount: number = awarded.data.points;

  const undone = await api.DELETE("/api/awards/{awardId}", { params: { path: { awardId } }, headers });
  const removed: number | undefined = undone.data?.removed;

  const refreshed = await api.POST("/api/auth/refresh", { body: { refreshToken } });
  const nextRefresh: string | undefined = refreshed.data?.refreshToken;

  return { token, schools, awardId, pointIds, removed, nextRefresh, wrongToken, wrongCount };
}

/** Catch up after a (re)connect: the feed and the inbox after the last cursors seen. */
export async function catchUp(token: string, feedCursor: number, inboxCursor: number) {
  const headers = { Authorization: `Bearer ${token}` };
  const feed = await api.GET("/api/guardians/me/feed", { params: { query: { after: feedCursor, limit: 50 } }, headers });
  const inbox = await api.GET("/api/inbox", { params: { query: { after: inboxCursor } }, headers });
  const nextFeed: number = feed.data?.cursor ?? feedCursor;
  const nextInbox: number = inbox.data?.cursor ?? inboxCursor;
  const kinds: string[] = feed.data?.items.map((i) => i.kind) ?? [];
  const texts: (string | null | undefined)[] = inbox.data?.items.map((i) => i.message.text) ?? [];
  return { nextFeed, nextInbox, kinds, texts };
}

/** A SignalR push handler typed by the push payload schemas in the same document. */
export function onPointAwarded(notice: Schemas["PointNotice"]): string {
  const after = notice.cursor === null ? null : notice.cursor - 1;
  return `GET /api/guardians/me/feed?after=${after} for point ${notice.pointId}`;
}

export async function download(token: string, attachmentId: string) {
  const file = await api.GET("/api/attachments/{attachmentId}", {
    params: { path: { attachmentId } },
    headers: { Authorization: `Bearer ${token}` },
    parseAs: "blob",
  });
  return file.data;
}
