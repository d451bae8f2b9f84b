import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { StreamService, type SubscribeResponseSchema } from "../gen/notification/v1/stream_pb.js";
import {
  type SubscribeEvent,
  type SubscribeOptions,
  subscribeWithResume,
} from "../src/subscription.js";

type Event = MessageInitShape<typeof SubscribeResponseSchema>;

/** What one connection of the fake server sends, and how it ends. */
interface Connection {
  readonly events: readonly Event[];
  /** An error to end with, "ok" to end normally, "hang" to stay open until the client leaves. */
  readonly end: ConnectError | "ok" | "hang";
}

const state = (newestId: string): Event => ({
  event: { case: "state", value: { unseenCount: 0, newestId } },
});
const notification = (id: string): Event => ({
  event: { case: "notification", value: { id, category: "like", message: id } },
});
const heartbeat: Event = { event: { case: "heartbeat", value: {} } };
const unavailable = () => new ConnectError("shutting down", Code.Unavailable);

/** A StreamService that plays one scripted connection per call and records each request. */
function fakeServer(connections: readonly Connection[]) {
  const requests: { username: string; after: string }[] = [];
  let cancelled = 0;
  const transport = createRouterTransport((router) =>
    router.service(StreamService, {
      async *subscribe(request, context) {
        const connection = connections[requests.length];
        requests.push({ username: request.username, after: request.after });
        if (!connection) throw new Error("the test scripted no more connections");
        if (connection.end === "hang") {
          // The in-memory transport runs the handler only as far as the client reads.
          context.signal.addEventListener("abort", () => {
            cancelled += 1;
          });
        }
        yield* connection.events;
        if (connection.end === "ok") return;
        if (connection.end !== "hang") throw connection.end;
        await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      },
    }),
  );
  return {
    client: createClient(StreamService, transport),
    requests,
    cancelled: () => cancelled,
  };
}

const fast: SubscribeOptions["reconnect"] = { initialDelayMs: 1, maxDelayMs: 1 };

/** Reads events until `count` arrived, then leaves the loop. */
async function take(events: AsyncIterable<SubscribeEvent>, count: number) {
  const taken: SubscribeEvent[] = [];
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

const describeEvent = (event: SubscribeEvent) =>
  event.case === "notification" ? event.value.id : event.case;

describe("subscribeWithResume", () => {
  it("resumes after the greatest notification delivered, so none repeats", async () => {
    const server = fakeServer([
      {
        events: [state("id-02"), notification("id-03"), notification("id-04")],
        end: unavailable(),
      },
      { events: [state("id-05"), notification("id-05")], end: "hang" },
    ]);
    const events = await take(subscribeWithResume(server.client, "ann", { reconnect: fast }), 5);
    expect(events.map(describeEvent)).toEqual(["state", "id-03", "id-04", "state", "id-05"]);
    expect(server.requests).toEqual([
      { username: "ann", after: "" },
      { username: "ann", after: "id-04" },
    ]);
  });

  it("starts after the given id and keeps the greatest id across reconnects", async () => {
    const server = fakeServer([
      {
        events: [state("id-09"), notification("id-09"), notification("id-08")],
        end: unavailable(),
      },
      { events: [state("id-09")], end: unavailable() },
      { events: [state("id-09")], end: "hang" },
    ]);
    const subscription = subscribeWithResume(server.client, "ann", {
      after: "id-07",
      reconnect: fast,
    });
    await take(subscription, 5);
    expect(server.requests.map((r) => r.after)).toEqual(["id-07", "id-09", "id-09"]);
  });

  it("after a live-only start, resumes after the newest id the first state reported", async () => {
    const server = fakeServer([
      { events: [state("id-07")], end: new ConnectError("too slow", Code.ResourceExhausted) },
      { events: [state("id-08")], end: "hang" },
    ]);
    await take(subscribeWithResume(server.client, "ann", { reconnect: fast }), 2);
    expect(server.requests.map((r) => r.after)).toEqual(["", "id-07"]);
  });

  it("after a live-only start on an empty inbox, resumes with everything stored since", async () => {
    const server = fakeServer([
      { events: [state("")], end: unavailable() },
      { events: [state("id-01")], end: "hang" },
    ]);
    await take(subscribeWithResume(server.client, "ann", { reconnect: fast }), 2);
    expect(server.requests.map((r) => r.after)).toEqual(["", "0".repeat(27)]);
  });

  it("reconnects when the server ends the stream without an error", async () => {
    const server = fakeServer([
      { events: [state(""), notification("id-01")], end: "ok" },
      { events: [state("id-01")], end: "hang" },
    ]);
    await take(subscribeWithResume(server.client, "ann", { reconnect: fast }), 3);
    expect(server.requests.map((r) => r.after)).toEqual(["", "id-01"]);
  });

  it("does not pass heartbeats on", async () => {
    const server = fakeServer([
      { events: [state(""), heartbeat, notification("id-01"), heartbeat], end: "hang" },
    ]);
    const events = await take(subscribeWithResume(server.client, "ann"), 2);
    expect(events.map(describeEvent)).toEqual(["state", "id-01"]);
  });

  it("passes deletions on as they come", async () => {
    const server = fakeServer([
      {
        events: [
          state("id-02"),
          { event: { case: "deleted", value: { ids: ["id-01"] } } },
          { event: { case: "cleared", value: { upTo: "id-02" } } },
        ],
        end: "hang",
      },
    ]);
    const events = await take(subscribeWithResume(server.client, "ann"), 3);
    expect(events.slice(1)).toMatchObject([
      { case: "deleted", value: { ids: ["id-01"] } },
      { case: "cleared", value: { upTo: "id-02" } },
    ]);
  });

  it("throws an error that reconnecting would not fix, without retrying", async () => {
    const server = fakeServer([
      { events: [], end: new ConnectError("username is empty", Code.InvalidArgument) },
    ]);
    const subscription = subscribeWithResume(server.client, "", { reconnect: fast });
    await expect(take(subscription, 1)).rejects.toMatchObject({ code: Code.InvalidArgument });
    expect(server.requests).toHaveLength(1);
  });

  it("gives up with the last error after maxAttempts reconnects in a row delivered nothing", async () => {
    const server = fakeServer([
      { events: [], end: unavailable() },
      { events: [], end: unavailable() },
      { events: [], end: new ConnectError("still down", Code.Unavailable) },
    ]);
    const attempts: number[] = [];
    const subscription = subscribeWithResume(server.client, "ann", {
      reconnect: { ...fast, maxAttempts: 2 },
      onRetry: (_error, _delayMs, attempt) => attempts.push(attempt),
    });
    await expect(take(subscription, 1)).rejects.toThrow("still down");
    expect(server.requests).toHaveLength(3);
    expect(attempts).toEqual([1, 2]);
  });

  it("counts attempts anew once a connection delivered an event", async () => {
    const server = fakeServer([
      { events: [state("")], end: unavailable() },
      { events: [state("")], end: unavailable() },
      { events: [state("")], end: "hang" },
    ]);
    const attempts: number[] = [];
    const subscription = subscribeWithResume(server.client, "ann", {
      reconnect: { ...fast, maxAttempts: 1 },
      onRetry: (_error, _delayMs, attempt) => attempts.push(attempt),
    });
    await take(subscription, 3);
    expect(attempts).toEqual([1, 1]);
  });

  it("ends without an error when the signal aborts, and cancels the call", async () => {
    const server = fakeServer([{ events: [state("")], end: "hang" }]);
    const controller = new AbortController();
    const seen: SubscribeEvent[] = [];
    for await (const event of subscribeWithResume(server.client, "ann", {
      signal: controller.signal,
    })) {
      seen.push(event);
      controller.abort();
    }
    expect(seen.map(describeEvent)).toEqual(["state"]);
    await expect.poll(server.cancelled).toBe(1);
  });

  it("ends without an error when the signal aborts while it waits to reconnect", async () => {
    const server = fakeServer([{ events: [state("")], end: unavailable() }]);
    const controller = new AbortController();
    const subscription = subscribeWithResume(server.client, "ann", {
      signal: controller.signal,
      reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000 },
      onRetry: () => controller.abort(),
    });
    const events = await take(subscription, 2);
    expect(events.map(describeEvent)).toEqual(["state"]);
    expect(server.requests).toHaveLength(1);
  });

  it("does not call the server when the signal has already aborted", async () => {
    const server = fakeServer([]);
    const events = await take(
      subscribeWithResume(server.client, "ann", { signal: AbortSignal.abort() }),
      1,
    );
    expect(events).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("cancels the call when the loop is left", async () => {
    const server = fakeServer([{ events: [state("")], end: "hang" }]);
    await take(subscribeWithResume(server.client, "ann"), 1);
    await expect.poll(server.cancelled).toBe(1);
  });
});
