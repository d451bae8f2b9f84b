import { describe, expect, it } from "vitest";
import { compileTemplate, escapeHtml, TemplateError } from "../../src/digests/template.js";

const asIs = (text: string) => text;
const render = (source: string, view: unknown, escapeValue = asIs) =>
  compileTemplate(source, "t.txt", escapeValue)(view);

describe("digest templates (a subset of Mustache)", () => {
  it("fills values, dotted names and the current item; a missing name is empty", () => {
    expect(render("{{a}}-{{b.c}}-{{missing}}-{{b.missing}}", { a: 1, b: { c: "x" } })).toBe(
      "1-x--",
    );
    expect(render("{{#list}}[{{.}}]{{/list}}", { list: ["p", "q"] })).toBe("[p][q]");
  });

  it("escapes values in HTML templates, unless written with three braces", () => {
    const view = { m: `<b>"Ann" & 'Bob'</b>` };
    expect(render("{{m}}", view, escapeHtml)).toBe(
      "&#60;b&#62;&#34;Ann&#34; &#38; &#39;Bob&#39;&#60;/b&#62;",
    );
    expect(render("{{{m}}}", view, escapeHtml)).toBe(view.m);
  });

  it("repeats a section per item, shows it once for a value, hides it for false, 0, empty", () => {
    const source = "{{#items}}<{{name}}>{{/items}}{{#n}}n={{n}}{{/n}}{{#no}}hidden{{/no}}";
    expect(render(source, { items: [{ name: "a" }, { name: "b" }], n: 3, no: 0 })).toBe(
      "<a><b>n=3",
    );
    expect(render(source, { items: [], n: false })).toBe("");
  });

  it("looks a name up in the enclosing contexts when the item lacks it", () => {
    expect(
      render("{{#items}}{{name}}@{{site}} {{/items}}", { site: "s", items: [{ name: "a" }] }),
    ).toBe("a@s ");
  });

  it("shows an inverted section for a missing, false or empty value", () => {
    const source = "{{^items}}nothing{{/items}}";
    expect(render(source, {})).toBe("nothing");
    expect(render(source, { items: [] })).toBe("nothing");
    expect(render(source, { items: [1] })).toBe("");
  });

  it("drops lines that hold only a section tag or a comment", () => {
    const source = "a\n{{#items}}\n- {{.}}\n{{/items}}\n  {{! note }}\nb\n";
    expect(render(source, { items: [1, 2] })).toBe("a\n- 1\n- 2\nb\n");
  });

  it.each([
    ["{{#a}}x", "line 1: {{#a}} is never closed"],
    ["ok\n{{/a}}", "line 2: {{/a}} closes no open {{#a}}"],
    ["{{#a}}{{/b}}{{/a}}", "line 1: {{/b}} closes no open {{#b}}"],
    ["{{a b}}", "line 1: {{a b}} does not name a value"],
    ["{{{a}}", "line 1: {{{a}} has unbalanced braces"],
    ["{{{#a}}}", "line 1: {{{#a}}}: only a value may be written with three braces"],
  ])("refuses %j, naming the template and the line", (source, message) => {
    expect(() => render(source, {})).toThrowError(TemplateError);
    expect(() => render(source, {})).toThrowError(`template t.txt, ${message}`);
  });
});
