import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InboxSession } from "../src/inbox-session.js";
import { TokenSource } from "../src/token-source.js";
import { type Connection, created, fakeService, ksuid, state } from "./fake-service.js";

/** What the fake service lists: these ids, newest first, as lone comments. */
function listing(ids: () => readonly string[]) {
  return () => ({
    notifications: ids().map((id) => ({ id, category: "comment", message: id, unseen: true })),
  });
}

const sessions: InboxSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

function sessionOf(connections: readonly Connection[], ids: () => readonly string[]) {
  const service = fakeService(connections, listing(ids));
  const session = new InboxSession({
    api: service.api,
    tokens: new TokenSource(),
    username: "ann",
    pageSize: 20,
    onChange: () => {},
  });
  sessions.push(session);
  session.start();
  return { session, service };
}

const shown = (session: InboxSession) =>
  session.list().groups.map((g) => g.members.map((m) => m.id));

describe("the inbox session", () => {
  it("while open, lists a burst of arrivals once and marks seen up to the newest", async () => {
    let ids = [ksuid(1)];
    const { session, service } = sessionOf(
      [{ events: [state(ksuid(1), 1)], end: "hang" }],
      () => ids,
    );
    await vi.waitFor(() => expect(session.status).toBe("live"));
    await session.show();
    expect(service.listed).toHaveLength(1);
    expect(service.seen).toEqual([ksuid(1)]);
    ids = [ksuid(4), ksuid(3), ksuid(2), ksuid(1)];
    service.push(created(ksuid(2)), created(ksuid(3)), created(ksuid(4)));
    await vi.waitFor(() => expect(shown(session)).toEqual(ids.map((id) => [id])));
    expect(service.listed).toHaveLength(2);
    await vi.waitFor(() => expect(service.seen).toEqual([ksuid(1), ksuid(4)]));
  });

  it("while closed, only counts: the next opening lists", async () => {
    let ids = [ksuid(1)];
    const { session, service } = sessionOf(
      [{ events: [state(ksuid(1), 1)], end: "hang" }],
      () => ids,
    );
    await vi.waitFor(() => expect(session.status).toBe("live"));
    await session.show();
    session.hide();
    ids = [ksuid(2), ksuid(1)];
    service.push(created(ksuid(2)));
    await vi.waitFor(() => expect(session.counts?.unseen).toBe(1));
    expect(service.listed).toHaveLength(1);
    await session.show();
    expect(service.listed).toHaveLength(2);
    expect(shown(session)).toEqual([[ksuid(2)], [ksuid(1)]]);
  });

  it("lists again when a resumed stream says it cannot tell what changed (resync)", async () => {
    let ids = [ksuid(2), ksuid(1)];
    const unavailable = new ConnectError("shutting down", Code.Unavailable);
    const { session, service } = sessionOf(
      [
        { events: [state(ksuid(2), 0)], end: unavailable },
        { events: [], end: unavailable },
      ],
      () => ids,
    );
    await session.show();
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(2), { timeout: 5000 });
    // Meanwhile one was deleted and one created; the stream cannot replay it all.
    ids = [ksuid(9), ksuid(2)];
    const listedBefore = service.listed.length;
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(3), { timeout: 5000 });
    service.push(state(ksuid(9), 1, true));
    await vi.waitFor(() => expect(shown(session)).toEqual([[ksuid(9)], [ksuid(2)]]));
    expect(service.listed.length).toBeGreaterThan(listedBefore);
    expect(service.subscribed[2]?.after).toBe(ksuid(2));
  });

  it("counts the categories a listed page shows as soon as it shows them", async () => {
    const { session, service } = sessionOf([{ events: [state(ksuid(1), 0)], end: "hang" }], () => [
      ksuid(1),
    ]);
    await vi.waitFor(() => expect(session.status).toBe("live"));
    await session.show();
    expect(service.counted).toContainEqual(["comment"]);
    expect([...session.categories]).toEqual(["comment"]);
  });
});
