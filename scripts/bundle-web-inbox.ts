import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The web inbox's folder (the package published from clients/web). */
export const webDir = fileURLToPath(new URL("../clients/web/", import.meta.url));

/** What a build wrote: the module's size, as served and gzipped, in bytes. */
export interface WebBuild {
  readonly dir: string;
  readonly moduleBytes: number;
  readonly moduleGzipBytes: number;
}

/**
 * Builds the web inbox into `clients/web/dist/`: `notification-inbox.js`, the
 * element and everything it imports as one minified ES module, and the demo
 * page the service serves at /inbox/ (`index.html`, `demo.css`, `demo.js`).
 * Files are written beside their final names and renamed into place, so a
 * service reading the folder meanwhile never reads half a file.
 */
export async function bundleWebInbox(): Promise<WebBuild> {
  const dist = join(webDir, "dist");
  await mkdir(dist, { recursive: true });
  const common = {
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    write: false,
  } as const;
  const [element, demo] = await Promise.all([
    build({
      ...common,
      entryPoints: [join(webDir, "src/index.ts")],
      outfile: join(dist, "notification-inbox.js"),
    }),
    build({
      ...common,
      entryPoints: [join(webDir, "demo/demo.ts")],
      outfile: join(dist, "demo.js"),
    }),
  ]);
  const outputs = [...element.outputFiles, ...demo.outputFiles];
  await Promise.all([
    ...outputs.map((file) => writeInPlace(file.path, file.contents)),
    ...["index.html", "demo.css"].map(async (name) => {
      await copyFile(join(webDir, "demo", name), `${join(dist, name)}.tmp`);
      await rename(`${join(dist, name)}.tmp`, join(dist, name));
    }),
  ]);
  const module = await readFile(join(dist, "notification-inbox.js"));
  return {
    dir: dist,
    moduleBytes: module.length,
    moduleGzipBytes: gzipSync(module, { level: 9 }).length,
  };
}

async function writeInPlace(path: string, contents: Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, contents);
  await rename(`${path}.tmp`, path);
}
