import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * The timeout of a test that starts child services: tsx compiles the service
 * on every start, which takes 1 to 2 s on an idle machine and 10 to 20 s on a
 * loaded one (two cores, other suites running); a hang still fails.
 */
export const childServiceTestTimeoutMs = 90_000;

/** The service running as a real child process (`src/main.ts` under tsx). */
export interface ChildService {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts `src/main.ts` in a child process with the given environment (PORT=0
 * picks a free port, read back from the start-up log line) and resolves once
 * it listens. `nodeOptions` go to the child's Node before the script.
 */
export function startChildService(
  env: Record<string, string>,
  nodeOptions: readonly string[] = [],
): Promise<ChildService> {
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeOptions, "src/main.ts"], {
    env: { ...process.env, PORT: "0", ADMIN_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      output += `${line}\n`;
      const port = listeningPort(line);
      if (port !== undefined) {
        resolve({ child, port, baseUrl: `http://127.0.0.1:${port}`, exited, output: () => output });
      }
    });
    exited.then((code) =>
      reject(new Error(`the service exited (${code}) before listening:\n${output}`)),
    );
  });
}

function listeningPort(line: string): number | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: string; port?: number };
    return entry.msg?.includes("listening") ? entry.port : undefined;
  } catch {
    return undefined;
  }
}

/** How a child process of the service ended. */
export interface ChildExit {
  /** The exit code, or the signal's name. */
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `src/main.ts` in a child process with the given environment (on free
 * ports) until it exits by itself; after `timeoutMs` it is killed (SIGKILL)
 * and the promise rejects, saying so: a start-up that hangs fails the test.
 */
export function runChildServiceToExit(
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<ChildExit> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: "0", ADMIN_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the service did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stdout, stderr });
    });
  });
}
