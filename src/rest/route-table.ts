import { type DescField, type DescMethod, getOption, hasOption } from "@bufbuild/protobuf";
import { http } from "../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../gen/google/api/http_pb.js";
import { resolveFieldPath } from "./field-path.js";
import {
  compareSpecificity,
  matchPathTemplate,
  type PathTemplate,
  parsePathTemplate,
  splitRequestPath,
} from "./path-template.js";

/** One HTTP binding of an RPC method, from its `google.api.http` annotation. */
export interface RestRoute<T> {
  /** The HTTP method, upper case (`GET`, or a custom kind). */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** The path variables' fields, by field path. */
  readonly pathFields: ReadonlyMap<string, readonly DescField[]>;
  /** The request field the body fills; undefined: `*` (the whole request) or no body. */
  readonly bodyField: DescField | undefined;
  /** Whether the request has a body (`body` set in the rule). */
  readonly hasBody: boolean;
  /** The response field that becomes the body; undefined: the whole response. */
  readonly responseField: DescField | undefined;
  readonly method: DescMethod;
  /** What the route dispatches to (a Connect handler). */
  readonly target: T;
}

/** What a request's method and path found among the routes. */
export type RouteMatch<T> =
  | {
      readonly kind: "found";
      readonly route: RestRoute<T>;
      readonly variables: Map<string, string>;
    }
  | { readonly kind: "wrong-method"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" }
  | { readonly kind: "bad-path" };

/**
 * Builds the routes of every target's method that carries a `google.api.http`
 * annotation (with its `additional_bindings`), most specific first. Throws at
 * start-up when an annotation is unusable: a streaming method, a bad template,
 * or a path variable, body or response_body naming no suitable field.
 */
export function buildRoutes<T extends { readonly method: DescMethod }>(
  targets: readonly T[],
): RestRoute<T>[] {
  const routes: RestRoute<T>[] = [];
  for (const target of targets) {
    const { method } = target;
    if (!hasOption(method, http)) continue;
    const where = `${method.parent.typeName}.${method.name}`;
    if (method.methodKind !== "unary") {
      throw new Error(`${where}: REST transcoding serves unary methods only`);
    }
    const rule = getOption(method, http);
    for (const binding of [rule, ...rule.additionalBindings]) {
      routes.push(routeOf(binding, target, where));
    }
  }
  return routes.sort((a, b) => compareSpecificity(a.template, b.template));
}

function routeOf<T extends { readonly method: DescMethod }>(
  rule: HttpRule,
  target: T,
  where: string,
): RestRoute<T> {
  const { method } = target;
  const { httpMethod, path } = patternOf(rule, where);
  let template: PathTemplate;
  try {
    template = parsePathTemplate(path);
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pathFields = new Map<string, readonly DescField[]>();
  for (const variable of template.variables) {
    const fields = resolveFieldPath(method.input, variable.fieldPath);
    const last = fields?.at(-1);
    if (!fields || (last?.fieldKind !== "scalar" && last?.fieldKind !== "enum")) {
      throw new Error(
        `${where}: path variable ${variable.fieldPath} names no singular scalar field`,
      );
    }
    pathFields.set(variable.fieldPath, fields);
  }
  const bodyField = topLevelField(method.input.fields, rule.body, "body", where);
  const responseField = topLevelField(
    method.output.fields,
    rule.responseBody,
    "response_body",
    where,
  );
  return {
    httpMethod,
    template,
    pathFields,
    bodyField,
    hasBody: rule.body !== "",
    responseField,
    method,
    target,
  };
}

function patternOf(rule: HttpRule, where: string): { httpMethod: string; path: string } {
  const { pattern } = rule;
  switch (pattern.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      return { httpMethod: pattern.case.toUpperCase(), path: pattern.value };
    case "custom":
      return { httpMethod: pattern.value.kind.toUpperCase(), path: pattern.value.path };
    default:
      throw new Error(`${where}: the google.api.http rule has no verb and path`);
  }
}

function topLevelField(
  fields: readonly DescField[],
  name: string,
  option: string,
  where: string,
): DescField | undefined {
  if (name === "" || (option === "body" && name === "*")) return undefined;
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(`${where}: ${option} ${JSON.stringify(name)} names no field`);
  return field;
}

/**
 * Finds the route for a request: the most specific template matching the
 * path with the request's HTTP method; else whether the path is known under
 * other methods (405 with `Allow`), unknown (404) or badly encoded (400).
 */
export function findRoute<T>(
  routes: readonly RestRoute<T>[],
  httpMethod: string,
  path: string,
): RouteMatch<T> {
  const segments = splitRequestPath(path);
  if (!segments) return { kind: "bad-path" };
  const allow = new Set<string>();
  for (const route of routes) {
    const variables = matchPathTemplate(route.template, segments);
    if (!variables) continue;
    if (route.httpMethod === httpMethod) return { kind: "found", route, variables };
    allow.add(route.httpMethod);
  }
  if (allow.size > 0) return { kind: "wrong-method", allow: [...allow].sort() };
  return { kind: "not-found" };
}
