import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/config-error.js";
import { compileTemplate, escapeHtml, type Template, TemplateError } from "./template.js";

/** The three templates of a digest. */
export interface DigestTemplates {
  /** The Subject line (collapsed to one line when rendered). */
  readonly subject: Template;
  /** The plain-text part. */
  readonly text: Template;
  /** The HTML part; values are HTML-escaped. */
  readonly html: Template;
}

/** The built-in templates: `templates/digest/` at the top of the repository. */
export const builtInTemplateDir = fileURLToPath(
  new URL("../../templates/digest/", import.meta.url),
);

const files = { subject: "subject.txt", text: "digest.txt", html: "digest.html" } as const;

/**
 * Loads and compiles the digest templates: each file from `dir` when it has
 * one, else the built-in one; `dir` empty means the built-in ones alone.
 * Throws ConfigError (the service does not start) naming
 * `email.template_dir` when `dir` cannot be read or a template cannot be compiled.
 */
export async function loadDigestTemplates(dir: string): Promise<DigestTemplates> {
  let own: ReadonlySet<string> = new Set();
  if (dir !== "") {
    try {
      own = new Set(await readdir(dir));
    } catch (cause) {
      throw new ConfigError([
        `email.template_dir: cannot read the directory (${(cause as NodeJS.ErrnoException).code ?? "error"})`,
      ]);
    }
  }
  const load = async (file: string, escapeValue: (text: string) => string): Promise<Template> => {
    const path = join(own.has(file) ? dir : builtInTemplateDir, file);
    const source = await readFile(path, "utf8");
    try {
      return compileTemplate(source, file, escapeValue);
    } catch (error) {
      if (error instanceof TemplateError) {
        throw new ConfigError([`email.template_dir: ${error.message}`]);
      }
      throw error;
    }
  };
  const asIs = (text: string) => text;
  return {
    subject: await load(files.subject, asIs),
    text: await load(files.text, asIs),
    html: await load(files.html, escapeHtml),
  };
}
