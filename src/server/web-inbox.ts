import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { NodeHandler } from "./node-http.js";
import { type StaticAsset, serveAsset, staticAsset, writeText } from "./static-asset.js";

/** Options of {@link loadWebInbox}. */
export interface WebInboxOptions {
  /** The web inbox's build output (`clients/web/dist`, written by `npm run build`). */
  readonly dir: string;
  /** `auth.mode`: the demo page asks for a username (`none`) or a token (`jwt`). */
  readonly authMode: "none" | "jwt";
}

/** The web inbox's files, ready to serve under `/inbox/`. */
export interface WebInbox {
  /** False when the build output is missing: every path under `/inbox/` then answers 503. */
  readonly built: boolean;
  /** Serves `/inbox` and every path under it; passes any other request to `next`. */
  handler(next: NodeHandler): NodeHandler;
}

/** The URL path the web inbox is served under. */
export const webInboxPath = "/inbox/";

// What is served, by path under /inbox/: the file in the build output and its type.
const files: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "": { file: "index.html", type: "text/html; charset=utf-8" },
  "notification-inbox.js": {
    file: "notification-inbox.js",
    type: "text/javascript; charset=utf-8",
  },
  "demo.js": { file: "demo.js", type: "text/javascript; charset=utf-8" },
  "demo.css": { file: "demo.css", type: "text/css; charset=utf-8" },
};

// The demo page loads only its own files and calls only this origin's API.
const pagePolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Reads the web inbox's build output into memory: the `<notification-inbox>`
 * module and the demo page, whose `{{auth_mode}}` placeholder becomes
 * `authMode`. Every answer revalidates (`Cache-Control: no-cache` with a
 * strong ETag, so an unchanged file costs a 304) because the URLs carry no
 * version: a new build is picked up at the next page load. When the build
 * output is missing, the inbox answers 503 saying how to build it.
 */
export async function loadWebInbox(options: WebInboxOptions): Promise<WebInbox> {
  const assets = new Map<string, StaticAsset>();
  try {
    for (const [path, { file, type }] of Object.entries(files)) {
      let body = await readFile(join(options.dir, file));
      if (file === "index.html") {
        body = Buffer.from(body.toString("utf8").replaceAll("{{auth_mode}}", options.authMode));
      }
      assets.set(path, staticAsset(body, headersOf(type)));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    assets.clear();
  }
  const built = assets.size > 0;
  return {
    built,
    handler: (next) => (req, res) => {
      const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
      if (path === "/inbox") {
        // A relative URL on the page resolves against /inbox/, not /.
        const query = req.url?.slice(path.length) ?? "";
        req.resume();
        writeText(res, 308, `moved to ${webInboxPath}`, { location: `${webInboxPath}${query}` });
        return;
      }
      if (!path.startsWith(webInboxPath)) {
        next(req, res);
        return;
      }
      if (!built) {
        req.resume();
        writeText(res, 503, "the web inbox is not built: run npm run build, then restart");
        return;
      }
      const asset = assets.get(path.slice(webInboxPath.length));
      if (asset === undefined) {
        req.resume();
        writeText(
          res,
          404,
          `no file at ${path.slice(0, 200)}; the web inbox serves ${webInboxPath} and ${webInboxPath}notification-inbox.js`,
        );
        return;
      }
      serveAsset(req, res, asset);
    },
  };
}

function headersOf(type: string): Record<string, string> {
  return {
    "content-type": type,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    ...(type.startsWith("text/html") && {
      "content-security-policy": pagePolicy,
      "referrer-policy": "no-referrer",
    }),
  };
}
