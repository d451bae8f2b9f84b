/**
 * A template that cannot be compiled; the message names the template and the
 * line.
 */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

/** A compiled template: renders a view (plain data) to text. */
export type Template = (view: unknown) => string;

type Node =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "value"; readonly name: string; readonly raw: boolean }
  | {
      readonly kind: "section";
      readonly name: string;
      readonly inverted: boolean;
      readonly children: Node[];
    };

interface Open {
  readonly name: string;
  readonly line: number;
  readonly children: Node[];
  readonly inverted: boolean;
}

const tagPattern = /\{\{(\{?)\s*([#^/!]?)\s*([^}]*?)\s*(\}?)\}\}/g;
const namePattern = /^(\.|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

/**
 * Compiles a template in a subset of Mustache: `{{name}}` (escaped by
 * `escapeValue`), `{{{name}}}` (as is), dotted names (`{{item.message}}`), `{{.}}`
 * (the current item), sections `{{#name}}...{{/name}}` (repeated for each item
 * of a list, shown once for any other value that is not false, empty or
 * missing), inverted sections `{{^name}}...{{/name}}` and comments
 * `{{! ... }}`. A line holding only a section tag or a comment leaves no
 * line behind. A missing name renders as nothing. Throws TemplateError
 * naming `name` and the line for a tag it cannot read or a section not closed.
 */
export function compileTemplate(
  source: string,
  name: string,
  escapeValue: (text: string) => string,
): Template {
  const root: Node[] = [];
  const stack: Open[] = [{ name: "", line: 0, children: root, inverted: false }];
  const fail = (offset: number, what: string): never => {
    const line = source.slice(0, offset).split("\n").length;
    throw new TemplateError(`template ${name}, line ${line}: ${what}`);
  };
  let position = 0;
  for (const match of source.matchAll(tagPattern)) {
    const [tag, open = "", sigil = "", tagName = "", close = ""] = match;
    let start = match.index;
    let end = start + tag.length;
    const raw = open === "{";
    if (raw !== (close === "}")) fail(start, `${tag} has unbalanced braces`);
    if (raw && sigil !== "") fail(start, `${tag}: only a value may be written with three braces`);
    if (sigil !== "!" && !namePattern.test(tagName)) {
      fail(start, `${tag} does not name a value (letters, digits, _ and dots)`);
    }
    if (sigil !== "") [start, end] = standalone(source, start, end);
    const top = stack.at(-1) as Open;
    top.children.push({ kind: "text", text: source.slice(position, start) });
    position = end;
    switch (sigil) {
      case "#":
      case "^":
        stack.push({ name: tagName, line: start, children: [], inverted: sigil === "^" });
        break;
      case "/": {
        if (stack.length === 1 || top.name !== tagName) {
          fail(start, `{{/${tagName}}} closes no open {{#${tagName}}}`);
        }
        stack.pop();
        const parent = stack.at(-1) as Open;
        parent.children.push({
          kind: "section",
          name: tagName,
          inverted: top.inverted,
          children: top.children,
        });
        break;
      }
      case "!":
        break;
      default:
        top.children.push({ kind: "value", name: tagName, raw });
    }
  }
  const unclosed = stack.at(-1) as Open;
  if (stack.length > 1) fail(unclosed.line, `{{#${unclosed.name}}} is never closed`);
  root.push({ kind: "text", text: source.slice(position) });
  return (view) => render(root, [view], escapeValue);
}

/** Widens a tag that stands alone on its line to the whole line, newline included. */
function standalone(source: string, start: number, end: number): [number, number] {
  const lineStart = source.lastIndexOf("\n", start - 1) + 1;
  const before = source.slice(lineStart, start);
  const newline = source.indexOf("\n", end);
  const lineEnd = newline < 0 ? source.length : newline + 1;
  const after = source.slice(end, lineEnd);
  return /^[ \t]*$/.test(before) && /^[ \t]*\r?\n?$/.test(after)
    ? [lineStart, lineEnd]
    : [start, end];
}

function render(
  nodes: readonly Node[],
  contexts: readonly unknown[],
  escapeValue: (text: string) => string,
): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") {
      out += node.text;
      continue;
    }
    const value = lookUp(contexts, node.name);
    if (node.kind === "value") {
      const text = value === undefined || value === null ? "" : String(value);
      out += node.raw ? text : escapeValue(text);
      continue;
    }
    const items = Array.isArray(value) ? value : value ? [value] : [];
    if (node.inverted) {
      if (items.length === 0) out += render(node.children, contexts, escapeValue);
      continue;
    }
    for (const item of items) out += render(node.children, [...contexts, item], escapeValue);
  }
  return out;
}

/** A name's value: its first part from the innermost context that has it, then property by property. */
function lookUp(contexts: readonly unknown[], name: string): unknown {
  if (name === ".") return contexts.at(-1);
  const [first = "", ...rest] = name.split(".");
  let value: unknown;
  for (let i = contexts.length - 1; i >= 0; i--) {
    const context = contexts[i];
    if (isRecord(context) && Object.hasOwn(context, first)) {
      value = context[first];
      break;
    }
  }
  for (const part of rest)
    value = isRecord(value) && Object.hasOwn(value, part) ? value[part] : undefined;
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
