import { afterAll, beforeAll, expect } from "vitest";
import type { ServiceOptions } from "../../src/service.js";
import {
  type ConfigOverrides,
  type ServiceUnderTest,
  type StoreKind,
  startServiceUnderTest,
} from "../support/service-under-test.js";

/** A REST answer: status, headers and the body (parsed when it is JSON). */
export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; undefined when the body is empty. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes.
  readonly body: any;
  readonly text: string;
}

/** A notification as REST returns it. */
export interface RestNotification {
  readonly id: string;
  readonly category: string;
  readonly message: string;
  readonly created_at: string;
  readonly unseen?: boolean;
  readonly properties?: Record<string, string>;
  readonly notifications?: RestNotification[];
}

/**
 * Plain `fetch` calls against a service's REST API, as curl would make them.
 * The base URL may be given later, as a function.
 */
export function restClient(baseUrl: string | (() => string)) {
  const base = typeof baseUrl === "string" ? () => baseUrl : baseUrl;
  async function send(method: string, path: string, init: RequestInit = {}): Promise<RestAnswer> {
    const response = await fetch(base() + path, { method, ...init });
    const text = await response.text();
    const json = response.headers.get("content-type")?.startsWith("application/json");
    return {
      status: response.status,
      headers: response.headers,
      body: json && text ? JSON.parse(text) : undefined,
      text,
    };
  }
  const jsonInit = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    send,
    get: (path: string, headers: Record<string, string> = {}) => send("GET", path, { headers }),
    post: (path: string, body: unknown) => send("POST", path, jsonInit(body)),
    put: (path: string, body: unknown) => send("PUT", path, jsonInit(body)),
    delete: (path: string) => send("DELETE", path),

    /** Creates a notification and returns the stored one (expects 201). */
    async create(
      username: string,
      fields: { category: string; message: string; properties?: Record<string, string> },
    ): Promise<RestNotification> {
      const answer = await send("POST", `/v1/notifications/${username}`, jsonInit(fields));
      expect(answer.status, answer.text).toBe(201);
      return answer.body as RestNotification;
    },
  };
}

/** The client type. */
export type RestClient = ReturnType<typeof restClient>;

/**
 * Starts a service on `kind` before the suite's tests and stops it after
 * them; `rest` calls it, `service()` is the running service.
 */
export function useRestService(
  kind: StoreKind,
  options: ServiceOptions = {},
  overrides: ConfigOverrides = {},
) {
  let sut: ServiceUnderTest | undefined;
  const service = (): ServiceUnderTest => {
    if (!sut) throw new Error("the service starts in beforeAll");
    return sut;
  };
  beforeAll(async () => {
    sut = await startServiceUnderTest(kind, overrides, options);
  });
  afterAll(async () => {
    await sut?.close();
  });
  return { rest: restClient(() => service().baseUrl), service };
}

/** Top-level ids of a list answer. */
export function topIds(body: readonly RestNotification[]): string[] {
  return body.map((n) => n.id);
}

/** Every id of a list answer, rollup children included, in order. */
export function allIds(body: readonly RestNotification[]): string[] {
  return body.flatMap((n) => [n.id, ...(n.notifications ?? []).map((c) => c.id)]);
}

/** The `Cache-Control` contract §3 and the predecessor send on list answers. */
export const noStore = "no-cache, no-store, no-transform, must-revalidate";

/** RFC 3339 UTC with exactly three fraction digits. */
export const millisecondTimestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A canonical KSUID. */
export const ksuid = /^[0-9A-Za-z]{27}$/;

/** A v4 UUID, as made up for `X-Request-Id`. */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
