/** One segment of a path template: a literal, `*` (one segment) or `**` (the rest). */
export type TemplateSegment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "single" }
  | { readonly kind: "multi" };

/** A `{field.path=segments}` variable and the template segments it covers. */
export interface TemplateVariable {
  /** The request field it sets, dotted for nested fields (`book.name`). */
  readonly fieldPath: string;
  /** Index of the first segment it covers. */
  readonly start: number;
  /** Index after the last segment it covers. */
  readonly end: number;
}

/** A parsed `google.api.http` path template (`/v1/{name=shelves/*}:publish`). */
export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  /** The custom verb after `:`, if any. */
  readonly verb: string | undefined;
}

const literalPattern = /^[A-Za-z0-9\-._~!$&'()+,;@%]+$/;
const identPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a template of the HttpRule grammar:
 * `Template = "/" Segments [":" Verb]`, `Segment = "*" | "**" | LITERAL | Variable`,
 * `Variable = "{" FieldPath ["=" Segments] "}"`. `{x}` means `{x=*}`; `**` may
 * only be the last segment. Throws an Error naming the template when it breaks the grammar.
 */
export function parsePathTemplate(source: string): PathTemplate {
  const fail = (why: string): never => {
    throw new Error(`invalid path template ${JSON.stringify(source)}: ${why}`);
  };
  if (!source.startsWith("/")) fail("it must start with /");
  let path = source.slice(1);
  let verb: string | undefined;
  const colon = path.lastIndexOf(":");
  if (colon >= 0 && colon > path.lastIndexOf("}") && colon > path.lastIndexOf("/")) {
    verb = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!literalPattern.test(verb)) fail(`bad verb ${JSON.stringify(verb)}`);
  }
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  for (const part of splitOutsideBraces(path, fail)) {
    if (part.startsWith("{")) {
      const inner = part.slice(1, -1);
      const equals = inner.indexOf("=");
      const fieldPath = equals < 0 ? inner : inner.slice(0, equals);
      if (!fieldPath.split(".").every((ident) => identPattern.test(ident))) {
        fail(`bad field path ${JSON.stringify(fieldPath)}`);
      }
      if (variables.some((v) => v.fieldPath === fieldPath)) fail(`${fieldPath} appears twice`);
      const inside = equals < 0 ? ["*"] : inner.slice(equals + 1).split("/");
      const start = segments.length;
      for (const text of inside) {
        if (text.includes("{")) fail("variables must not nest");
        segments.push(plainSegment(text, fail));
      }
      variables.push({ fieldPath, start, end: segments.length });
    } else {
      segments.push(plainSegment(part, fail));
    }
  }
  if (segments.slice(0, -1).some((s) => s.kind === "multi")) fail("** may only be last");
  return { source, segments, variables, verb };
}

function splitOutsideBraces(path: string, fail: (why: string) => never): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of path) {
    if (char === "{") depth++;
    if (char === "}") depth--;
    if (depth < 0 || depth > 1) fail("unbalanced braces");
    if (char === "/" && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (depth !== 0) fail("unbalanced braces");
  parts.push(current);
  for (const part of parts) {
    if (part.includes("{") && !(part.startsWith("{") && part.endsWith("}"))) {
      fail(`a variable must be a whole segment (got ${JSON.stringify(part)})`);
    }
  }
  return parts;
}

function plainSegment(text: string, fail: (why: string) => never): TemplateSegment {
  if (text === "*") return { kind: "single" };
  if (text === "**") return { kind: "multi" };
  if (!literalPattern.test(text)) fail(`bad segment ${JSON.stringify(text)}`);
  return { kind: "literal", value: text };
}

/**
 * Splits a request path (without the query) into its raw segments, or
 * returns undefined when a segment is not valid percent-encoded UTF-8.
 */
export function splitRequestPath(path: string): string[] | undefined {
  const segments = path.replace(/^\//, "").split("/");
  for (const segment of segments) {
    try {
      decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return segments;
}

/**
 * Matches raw request path segments (from `splitRequestPath`) against a
 * template. Returns the variables' values by field path, decoded as the
 * spec says: one-segment variables fully, multi-segment ones except `%2F`.
 * Undefined when the path does not match.
 */
export function matchPathTemplate(
  template: PathTemplate,
  rawSegments: readonly string[],
): Map<string, string> | undefined {
  let segments = rawSegments;
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    const last = segments.at(-1);
    if (last === undefined || !last.endsWith(suffix) || last === suffix) return undefined;
    segments = [...segments.slice(0, -1), last.slice(0, -suffix.length)];
  }
  const pattern = template.segments;
  const multi = pattern.at(-1)?.kind === "multi";
  const fixed = multi ? pattern.length - 1 : pattern.length;
  if (multi ? segments.length < fixed : segments.length !== fixed) return undefined;
  for (let i = 0; i < fixed; i++) {
    const want = pattern[i];
    const got = segments[i] ?? "";
    if (want?.kind === "literal" && decodeURIComponent(got) !== want.value) return undefined;
    if (want?.kind === "single" && got === "") return undefined;
  }
  const values = new Map<string, string>();
  for (const variable of template.variables) {
    const coversMulti = multi && variable.end === pattern.length;
    const raw = segments.slice(variable.start, coversMulti ? segments.length : variable.end);
    const single = variable.end - variable.start === 1 && !coversMulti;
    values.set(
      variable.fieldPath,
      single ? decodeURIComponent(raw[0] ?? "") : decodeKeepSlash(raw),
    );
  }
  return values;
}

function decodeKeepSlash(raw: readonly string[]): string {
  return raw
    .map((segment) =>
      segment
        .split(/%2F/i)
        .map((piece) => decodeURIComponent(piece))
        .join("%2F"),
    )
    .join("/");
}

/**
 * Orders templates from most to least specific, for route precedence: segment
 * by segment a literal beats `*`, which beats `**`; then more segments win;
 * then a template with a verb wins.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const rank = (s: TemplateSegment | undefined) =>
    s === undefined ? -1 : s.kind === "literal" ? 2 : s.kind === "single" ? 1 : 0;
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const difference = rank(b.segments[i]) - rank(a.segments[i]);
    if (difference !== 0) return difference;
  }
  return Number(b.verb !== undefined) - Number(a.verb !== undefined);
}

/**
 * Fills a template's variables with values (percent-encoded; `/` kept in
 * multi-segment variables), e.g. for a `Location` header.
 */
export function expandPathTemplate(
  template: PathTemplate,
  valueFor: (fieldPath: string) => string,
): string {
  const parts: string[] = [];
  let i = 0;
  while (i < template.segments.length) {
    const variable = template.variables.find((v) => v.start === i);
    if (variable) {
      const single = variable.end - variable.start === 1 && template.segments[i]?.kind !== "multi";
      const encoded = encodeURIComponent(valueFor(variable.fieldPath));
      parts.push(single ? encoded : encoded.replace(/%2F/g, "/"));
      i = variable.end;
    } else {
      const segment = template.segments[i];
      parts.push(segment?.kind === "literal" ? segment.value : "");
      i++;
    }
  }
  return `/${parts.join("/")}${template.verb === undefined ? "" : `:${template.verb}`}`;
}
