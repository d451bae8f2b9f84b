import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

// A delete names its ids, or says `all`: an empty request must never wipe an
// inbox, on any protocol. Each protocol sends an empty delete (INVALID_ARGUMENT,
// nothing deleted), then a delete-all (everything deleted).

let sut: ServiceUnderTest;
beforeAll(async () => {
  sut = await startServiceUnderTest("embedded");
});
afterAll(async () => {
  await sut.close();
});

function client(transport: Transport = connectTransport()) {
  return createClient(NotificationService, transport);
}

function connectTransport() {
  return createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" });
}

async function fill(username: string): Promise<string[]> {
  const ids: string[] = [];
  for (const message of ["a", "b"]) {
    const created = await client().createNotification({ username, category: "like", message });
    ids.unshift(created.notification?.id ?? "");
  }
  return ids;
}

async function inbox(username: string): Promise<string[]> {
  return (await client().listNotifications({ username })).notifications.map((n) => n.id);
}

/** Sends a delete of `username`: nothing named, or all; answers the error code, or "ok". */
type SendDelete = (username: string, all: boolean) => Promise<Code | "ok">;

function overTransport(makeTransport: () => Transport): SendDelete {
  return async (username, all) => {
    try {
      await client(makeTransport()).deleteNotifications({ username, ids: [], all });
      return "ok";
    } catch (error) {
      return ConnectError.from(error).code;
    }
  };
}

const protocols: Record<string, SendDelete> = {
  "gRPC over h2c": overTransport(() => createGrpcTransport({ baseUrl: sut.baseUrl })),
  "gRPC-Web over HTTP/1.1": overTransport(() =>
    createGrpcWebTransport({ baseUrl: sut.baseUrl, httpVersion: "1.1" }),
  ),
  "Connect over HTTP/1.1": overTransport(connectTransport),
  "Connect over h2c": overTransport(() =>
    createConnectTransport({ baseUrl: sut.baseUrl, httpVersion: "2" }),
  ),
  "Connect JSON (plain fetch)": async (username, all) => {
    const response = await fetch(
      `${sut.baseUrl}/notification.v1.NotificationService/DeleteNotifications`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(all ? { username, all } : { username }),
      },
    );
    if (response.status === 200) return "ok";
    const body = (await response.json()) as { code: string };
    return body.code === "invalid_argument" ? Code.InvalidArgument : Code.Unknown;
  },
  "REST (?ids= naming nothing; no ids)": async (username, all) => {
    const response = await fetch(
      `${sut.baseUrl}/v1/notifications/${username}${all ? "" : "?ids="}`,
      {
        method: "DELETE",
      },
    );
    if (response.status === 204) return "ok";
    return response.status === 400 ? Code.InvalidArgument : Code.Unknown;
  },
};

describe.each(Object.entries(protocols))("DeleteNotifications over %s", (name, sendDelete) => {
  const username = `del-${name.replace(/[^A-Za-z0-9]/g, "")}`;

  it("an empty delete is INVALID_ARGUMENT and deletes nothing; all: true deletes everything", async () => {
    const ids = await fill(username);
    expect(await sendDelete(username, false)).toBe(Code.InvalidArgument);
    expect(await inbox(username)).toEqual(ids);
    expect(await sendDelete(username, true)).toBe("ok");
    expect(await inbox(username)).toEqual([]);
  });
});
