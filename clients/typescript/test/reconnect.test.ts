import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { defaultReconnectOptions, isReconnectable, reconnectDelay } from "../src/reconnect.js";

describe("reconnectDelay", () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5 };

  it("doubles from the initial delay and stops at the maximum", () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, options, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("jitters within the upper half of the ceiling", () => {
    expect(reconnectDelay(3, options, () => 0)).toBe(200);
    expect(reconnectDelay(3, options, () => 0.5)).toBe(300);
  });

  it("stays finite for a long outage", () => {
    expect(reconnectDelay(5000, defaultReconnectOptions, () => 1)).toBe(
      defaultReconnectOptions.maxDelayMs,
    );
  });
});

describe("isReconnectable", () => {
  it.each([
    ["UNAVAILABLE (shutdown, lost feed, refused connection)", Code.Unavailable],
    ["RESOURCE_EXHAUSTED (a slow reader was cut off)", Code.ResourceExhausted],
    ["CANCELED (an HTTP/2 connection broke)", Code.Canceled],
    ["ABORTED (an HTTP/1.1 socket was reset)", Code.Aborted],
  ])("reconnects on %s", (_name, code) => {
    expect(isReconnectable(new ConnectError("x", code))).toBe(true);
  });

  it.each([
    ["INVALID_ARGUMENT", Code.InvalidArgument],
    ["PERMISSION_DENIED", Code.PermissionDenied],
    ["UNIMPLEMENTED", Code.Unimplemented],
    ["INTERNAL from the server", Code.Internal],
  ])("gives up on %s", (_name, code) => {
    expect(isReconnectable(new ConnectError("x", code))).toBe(false);
  });

  it("reconnects when a socket error caused an INTERNAL error", () => {
    const socketError = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    const error = new ConnectError("write EPIPE", Code.Internal, undefined, undefined, socketError);
    expect(isReconnectable(error)).toBe(true);
  });

  it("reconnects when the socket error is deeper in the cause chain", () => {
    const socketError = Object.assign(new Error("unreachable"), { code: "EHOSTUNREACH" });
    const wrapper = new Error("request failed", { cause: socketError });
    const error = new ConnectError("failed", Code.Unknown, undefined, undefined, wrapper);
    expect(isReconnectable(error)).toBe(true);
  });

  it("does not take any `code` property for a socket error", () => {
    const appError = Object.assign(new Error("bad"), { code: "not_a_socket_error" });
    const error = new ConnectError("bad", Code.Internal, undefined, undefined, appError);
    expect(isReconnectable(error)).toBe(false);
  });

  it("stops on a cause chain that loops", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    const error = new ConnectError("loop", Code.Internal, undefined, undefined, a);
    expect(isReconnectable(error)).toBe(false);
  });
});
