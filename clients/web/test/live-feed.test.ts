import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SubscribeResponse } from "../gen/notification/v1/stream_pb.js";
import { type FeedStatus, LiveFeed } from "../src/live-feed.js";
import { TokenSource } from "../src/token-source.js";
import { type Connection, created, fakeService, ksuid, state } from "./fake-service.js";

const unavailable = () => new ConnectError("the server is shutting down", Code.Unavailable);

/** A feed over the fake service, recording its events and statuses. */
function feedOf(connections: readonly Connection[], tokens = new TokenSource(), silentMs?: number) {
  const service = fakeService(connections);
  const events: SubscribeResponse["event"]["case"][] = [];
  const statuses: FeedStatus[] = [];
  const errors: string[] = [];
  const feed = new LiveFeed({
    streams: service.api.streams,
    username: "ann",
    tokens,
    onEvent: (event) => events.push(event.event.case),
    onStatus: (status, error) => {
      statuses.push(status);
      if (error) errors.push(`${Code[error.code]}: ${error.rawMessage}`);
    },
    ...(silentMs !== undefined && { silentMs }),
  });
  feeds.push(feed);
  feed.start();
  return { feed, service, events, statuses, errors };
}

const feeds: LiveFeed[] = [];
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.stop();
});

describe("the live feed", () => {
  it("resumes after the greatest id it received, or the first state's newest id", async () => {
    const { service, events, statuses } = feedOf([
      { events: [state(ksuid(5), 0)], end: unavailable() },
      { events: [state(ksuid(5), 0), created(ksuid(7)), created(ksuid(6))], end: unavailable() },
      { events: [state(ksuid(7), 0)], end: "hang" },
    ]);
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(3), { timeout: 5000 });
    expect(service.subscribed.map((s) => s.after)).toEqual(["", ksuid(5), ksuid(7)]);
    expect(events).toEqual(["state", "state", "notification", "notification", "state"]);
    expect(statuses).toEqual(["live", "offline", "live", "offline", "live"]);
  });

  it("after a first state of an empty inbox, resumes from before every id", async () => {
    const { service } = feedOf([{ events: [state("", 0)], end: unavailable() }]);
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(2), { timeout: 5000 });
    expect(service.subscribed[1]?.after).toBe("0".repeat(27));
  });

  it("takes a resync's newest id as where it stands: the client lists again", async () => {
    const { service } = feedOf([
      { events: [state(ksuid(5), 0)], end: unavailable() },
      { events: [state(ksuid(9), 0, true)], end: unavailable() },
    ]);
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(3), { timeout: 5000 });
    expect(service.subscribed.map((s) => s.after)).toEqual(["", ksuid(5), ksuid(9)]);
  });

  it("stops on an error that retrying would not cure, saying why", async () => {
    const refused = new ConnectError("username must be 1 to 128 characters", Code.InvalidArgument);
    const { service, statuses, errors } = feedOf([{ events: [], end: refused }]);
    await vi.waitFor(() => expect(statuses).toEqual(["failed"]));
    expect(errors).toEqual(["InvalidArgument: username must be 1 to 128 characters"]);
    expect(service.subscribed).toHaveLength(1);
  });

  it("replaces a token refused mid-stream once, then stops when the fresh one is refused too", async () => {
    let issued = 0;
    const tokens = new TokenSource({ provider: () => `token-${++issued}` });
    const expired = () => new ConnectError("the token has expired", Code.Unauthenticated);
    const { service, statuses, errors } = feedOf(
      [
        { events: [state(ksuid(1), 0)], end: expired() },
        { events: [], end: expired() },
      ],
      tokens,
    );
    await vi.waitFor(() => expect(statuses.at(-1)).toBe("failed"));
    expect(service.subscribed).toHaveLength(2);
    expect(issued).toBe(1);
    expect(errors).toEqual(["Unauthenticated: the token has expired"]);
  });

  it("opens a stream again when it stays silent, even of heartbeats", async () => {
    const { service, statuses } = feedOf(
      [{ events: [state(ksuid(1), 0)], end: "hang" }],
      undefined,
      50,
    );
    await vi.waitFor(() => expect(service.subscribed).toHaveLength(2), { timeout: 5000 });
    expect(statuses.slice(0, 2)).toEqual(["live", "offline"]);
    expect(service.subscribed[1]?.after).toBe(ksuid(1));
  });
});
