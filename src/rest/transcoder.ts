import {
  type DescMessage,
  type DescMethod,
  fromJson,
  type JsonObject,
  type JsonValue,
  type Message,
  ScalarType,
} from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { JobState } from "../gen/notification/v1/notification_pb.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "../server/node-http.js";
import { codeOfStatus, type RefusalListener } from "../server/refusal.js";
import { requestIdOf } from "../server/request-id.js";
import { callHandler } from "./dispatch.js";
import { errorBody, quoteValue, RestError } from "./error-body.js";
import { fieldPathName, hasJsonField, readMessageField, setJsonField } from "./field-path.js";
import { isJsonObject } from "./json-object.js";
import { expandPathTemplate, type PathTemplate, parsePathTemplate } from "./path-template.js";
import { applyQuery, convertText } from "./query-params.js";
import { type IdRange, parseRangeHeader } from "./range-header.js";
import { effectivePageSize, rangeHeaders, rangeToRequest } from "./range-paging.js";
import { readJsonBody } from "./request-body.js";
import { toRestJson } from "./rest-json.js";
import {
  overrideKey,
  type RestOverride,
  type RestOverrides,
  restOverrides,
} from "./rest-overrides.js";
import { buildRoutes, findRoute, type RestRoute } from "./route-table.js";

/** Options of the REST transcoder. */
export interface RestTranscoderOptions {
  /** Largest request body, in bytes; a larger one answers 413. */
  readonly readMaxBytes: number;
  /** What the annotations cannot say, per method. Default: `restOverrides` (contract §3). */
  readonly overrides?: RestOverrides;
  /**
   * Told of every request the transcoder answers itself, without the method
   * answering: a path or method with no route, a body or query that cannot
   * become the request message (to log and count them), and unexpected
   * failures, which answer 500. Default: `console.error` for the failures.
   */
  readonly onRefused?: RefusalListener;
}

type Route = RestRoute<UniversalHandler>;

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

/**
 * Serves the REST API described by the `google.api.http` annotations of the
 * given Connect handlers' methods (read once, here), plus the per-method
 * `overrides`. Each request is matched to a route, turned into the method's
 * request message (path variables, body, query parameters, `Range`), and
 * passed to the same Connect handler an RPC reaches; the response message
 * becomes the REST answer. Every answer carries `X-Request-Id`; every error
 * is `{"code": <HTTP status>, "message": "..."}`. Throws at start-up when an
 * annotation or an override is unusable.
 */
export function createRestTranscoder(
  handlers: readonly UniversalHandler[],
  options: RestTranscoderOptions,
): NodeHandler {
  const routes = buildRoutes(handlers);
  const overrides = options.overrides ?? restOverrides;
  const locations = checkOverrides(routes, overrides);
  const onRefused: RefusalListener =
    options.onRefused ??
    ((refusal) => {
      if (refusal.code === Code.Internal) console.error(refusal.cause);
    });

  return (req, res) => {
    const startedAt = performance.now();
    const requestId = requestIdOf(req.headers["x-request-id"]);
    let method = "unknown";
    const refuse = (status: number, message: string, cause?: unknown) =>
      onRefused({
        requestId,
        method,
        format: "rest",
        code: codeOfStatus(status),
        status,
        message,
        startedAt,
        ...(cause !== undefined && { cause }),
      });
    transcode(req, res, requestId, (route) => {
      method = `${route.method.parent.typeName}/${route.method.name}`;
    })
      .catch((error: unknown): Reply => {
        if (error instanceof RestError) {
          refuse(error.status, error.message);
          return errorReply(error.status, error.message, error.headers);
        }
        refuse(500, "internal error", error);
        return errorReply(500, "internal error");
      })
      .then((reply) => send(res, reply, requestId))
      .catch((error: unknown) => refuse(500, "the answer could not be sent", error));
  };

  async function transcode(
    req: NodeRequest,
    res: NodeResponse,
    requestId: string,
    matched: (route: Route) => void,
  ): Promise<Reply> {
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1));
    const httpMethod = req.method ?? "GET";
    const match = findRoute(routes, httpMethod, path);
    switch (match.kind) {
      case "bad-path":
        throw new RestError(400, `the path ${path} is not valid percent-encoded UTF-8`);
      case "not-found":
        throw new RestError(404, `no REST route matches ${httpMethod} ${path}`);
      case "wrong-method":
        throw new RestError(
          405,
          `${httpMethod} is not allowed on ${path}; use ${match.allow.join(" or ")}`,
          { allow: match.allow.join(", ") },
        );
    }
    const { route } = match;
    matched(route);
    const override = overrides[overrideKey(route.method)] ?? {};
    const json = await requestJson(req, route, match.variables);
    applyQuery(json, route.method.input, query, {
      bound: boundFields(route, query),
      ...(override.commaLists && { commaLists: override.commaLists }),
      ...(override.queryAliases && { aliases: override.queryAliases }),
    });
    applyHeaderFields(req, route, override, json);
    const range = applyRange(req, route, override, json);
    const everything = override.omittedListMeansAll;
    if (everything && !setsAnyOf(json, route, [everything.list, everything.flag])) {
      json[everything.flag] = true;
    }
    let input: Message;
    try {
      input = fromJson(route.method.input, json);
    } catch (error) {
      throw new RestError(400, error instanceof Error ? error.message : String(error));
    }
    const result = await callHandler(route.target, route.method, input, req, res, requestId);
    // The method answered, and the call was logged and counted as it ended.
    if (!result.ok) return errorReply(result.status, result.message);
    const headers: Record<string, string> = {};
    result.header.forEach((value, name) => {
      headers[name] = value;
    });
    if (override.cacheControl) headers["cache-control"] = override.cacheControl;
    if (override.createdUnless && isFlagSet(route, result.message, override.createdUnless)) {
      return { status: 200, headers, body: toRestJson(route.method.output, result.message) };
    }
    const location = locations.get(route);
    if (location) headers.location = expandPathTemplate(location, (p) => textOf(route, input, p));
    for (const [field, header] of Object.entries(override.flagHeaders ?? {})) {
      if (readTopField(route.method.output, result.message, field) === true)
        headers[header] = "true";
    }
    const job = override.jobField
      ? (readTopField(route.method.output, result.message, override.jobField) as
          | JobLike
          | undefined)
      : undefined;
    if (job) headers.location = `/v1/jobs/${encodeURIComponent(job.id)}`;
    const accepted = job !== undefined && job.state !== JobState.DONE;
    const status = range ? 206 : accepted ? 202 : (override.status ?? 200);
    if (status === 204) return { status, headers };
    const body = toRestJson(route.method.output, result.message, {
      responseField: route.responseField,
      emitDefaults: override.emitDefaults ?? [],
    });
    const paging = override.rangePaging;
    if (paging) {
      const size = effectivePageSize(range, paging, route.method.input, input);
      Object.assign(headers, rangeHeaders(paging, route.method.output, result.message, body, size));
    }
    return { status, headers, body };
  }

  async function requestJson(
    req: NodeRequest,
    route: Route,
    variables: ReadonlyMap<string, string>,
  ): Promise<JsonObject> {
    let json: JsonObject = {};
    if (route.hasBody) {
      const body = await readJsonBody(req, options.readMaxBytes);
      const field = route.bodyField;
      const wantsObject = !field || field.fieldKind === "message" || field.fieldKind === "map";
      if (wantsObject && !isJsonObject(body)) {
        throw new RestError(400, `the request body must be a JSON object (got ${jsonKind(body)})`);
      }
      if (field) json[field.name] = body;
      else if (isJsonObject(body)) json = body;
    }
    for (const [fieldPath, value] of variables) {
      const fields = route.pathFields.get(fieldPath) ?? [];
      const last = fields.at(-1);
      if (last) setJsonField(json, fields, convertText(last, `path variable ${fieldPath}`, value));
    }
    return json;
  }
}

/** What the transcoder reads of a `Job` in a response. */
interface JobLike {
  readonly id: string;
  readonly state: JobState;
}

/** Sets the request fields that the override's headers carry. */
function applyHeaderFields(
  req: NodeRequest,
  route: Route,
  override: RestOverride,
  json: JsonObject,
): void {
  for (const [header, name] of Object.entries(override.headerFields ?? {})) {
    const value = req.headers[header];
    if (value === undefined) continue;
    const spelled = header.replace(
      /(^|-)([a-z])/g,
      (_m, dash: string, c: string) => dash + c.toUpperCase(),
    );
    if (Array.isArray(value))
      throw new RestError(400, `send one ${spelled} header, not ${value.length}`);
    const fields = route.method.input.fields.filter((f) => f.name === name);
    if (hasJsonField(json, fields)) {
      throw new RestError(
        400,
        `send ${name} either as the ${spelled} header or in the body, not both`,
      );
    }
    json[name] = value;
  }
}

/** A top-level field of a response message, by proto name. */
function readTopField(output: DescMessage, message: Message, name: string): unknown {
  const field = output.fields.find((f) => f.name === name);
  return field ? readMessageField(message, [field]) : undefined;
}

/** Field paths the path and the body set. */
function boundFields(route: Route, query: URLSearchParams): string[] {
  const bound = [...route.pathFields.values()].map(fieldPathName);
  if (route.bodyField) bound.push(route.bodyField.name);
  const [first] = query.keys();
  if (route.hasBody && !route.bodyField && first !== undefined) {
    // body "*": the body carries every field the path does not.
    throw new RestError(
      400,
      `query parameter ${quoteValue(first)} is not accepted: the request body carries every field`,
    );
  }
  return bound;
}

function applyRange(
  req: NodeRequest,
  route: Route,
  override: RestOverride,
  json: JsonObject,
): IdRange | undefined {
  const paging = override.rangePaging;
  const header = req.headers.range;
  if (!paging || header === undefined) return undefined;
  const range = parseRangeHeader(header);
  for (const name of [paging.pageSize, paging.pageToken]) {
    const fields = route.method.input.fields.filter((f) => f.name === name);
    if (hasJsonField(json, fields)) {
      throw new RestError(400, `send either a Range header or ${name}, not both`);
    }
  }
  Object.assign(json, rangeToRequest(range, paging));
  return range;
}

/** True when the request JSON sets one of the named top-level fields. */
function setsAnyOf(json: JsonObject, route: Route, names: readonly string[]): boolean {
  return route.method.input.fields.some(
    (field) => names.includes(field.name) && hasJsonField(json, [field]),
  );
}

/** True when the response's top-level bool field `name` is true. */
function isFlagSet(route: Route, message: Message, name: string): boolean {
  const field = route.method.output.fields.find((f) => f.name === name);
  return (
    field !== undefined && (message as unknown as Record<string, unknown>)[field.localName] === true
  );
}

function textOf(route: Route, input: Message, fieldPath: string): string {
  const fields = route.pathFields.get(fieldPath);
  return String((fields && readMessageField(input, fields)) ?? "");
}

/** Parses every override's `Location`, and refuses rows that name no routed method. */
function checkOverrides(
  routes: readonly Route[],
  overrides: RestOverrides,
): Map<Route, PathTemplate> {
  const locations = new Map<Route, PathTemplate>();
  for (const [key, override] of Object.entries(overrides)) {
    const own = routes.filter((route) => overrideKey(route.method) === key);
    if (own.length === 0) throw new Error(`REST override ${key} names no method with a REST route`);
    const everything = override.omittedListMeansAll;
    if (everything) checkOmittedListMeansAll(key, own[0]?.method.input, everything);
    const flag = override.createdUnless;
    const flagField = own[0]?.method.output.fields.find((f) => f.name === flag);
    if (flag && (flagField?.fieldKind !== "scalar" || flagField.scalar !== ScalarType.BOOL)) {
      throw new Error(`REST override ${key}: createdUnless ${flag} is no bool response field`);
    }
    checkNamedFields(key, own[0]?.method, override);
    if (!override.location) continue;
    const template = parsePathTemplate(override.location);
    for (const route of own) {
      const missing = template.variables.find((v) => !route.pathFields.has(v.fieldPath));
      if (missing) {
        throw new Error(
          `REST override ${key}: Location variable ${missing.fieldPath} is not in the path`,
        );
      }
      locations.set(route, template);
    }
  }
  return locations;
}

/** Refuses header and job fields that the method's messages do not have. */
function checkNamedFields(key: string, method: DescMethod | undefined, override: RestOverride) {
  const has = (message: DescMessage | undefined, name: string) =>
    message?.fields.some((f) => f.name === name) ?? false;
  const missing = [
    ...Object.values(override.headerFields ?? {}).filter((n) => !has(method?.input, n)),
    ...Object.keys(override.flagHeaders ?? {}).filter((n) => !has(method?.output, n)),
    ...(override.jobField && !has(method?.output, override.jobField) ? [override.jobField] : []),
  ];
  if (missing.length > 0) {
    throw new Error(
      `REST override ${key} names fields the method does not have: ${missing.join(", ")}`,
    );
  }
}

function checkOmittedListMeansAll(
  key: string,
  input: DescMessage | undefined,
  { list, flag }: { readonly list: string; readonly flag: string },
): void {
  const listField = input?.fields.find((f) => f.name === list);
  const flagField = input?.fields.find((f) => f.name === flag);
  if (listField?.fieldKind !== "list") {
    throw new Error(`REST override ${key}: omittedListMeansAll.list ${list} is no repeated field`);
  }
  if (flagField?.fieldKind !== "scalar" || flagField.scalar !== ScalarType.BOOL) {
    throw new Error(`REST override ${key}: omittedListMeansAll.flag ${flag} is no bool field`);
  }
}

function errorReply(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  return { status, headers, body: { ...errorBody(status, message) } };
}

function jsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

function send(res: NodeResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = reply.status;
  res.setHeader("x-request-id", requestId);
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}
