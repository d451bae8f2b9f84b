import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { installedProgram } from "../support/installed-program.js";

/**
 * Where `redis-server` is installed, or `undefined` (after one line naming the Debian
 * package): a suite that needs it runs under `describe.skipIf(redisServerProgram === undefined)`.
 */
export const redisServerProgram = installedProgram("redis-server", "redis-server");

/** A throw-away `redis-server` (the Debian package) on a free loopback port, without persistence. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills the server at once (SIGKILL): what a crash or a lost host looks like to clients. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void;
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void;
}

/** Starts `redis-server` on a free port and resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  const program = redisServerProgram;
  if (program === undefined) {
    throw new Error("redis-server is not installed (apt-get install redis-server)");
  }
  const port = await freePort();
  let child = await launch(program, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      await stop(child);
    },
    async restart() {
      await stop(child);
      child = await launch(program, port);
    },
    freeze() {
      child.kill("SIGSTOP");
    },
    thaw() {
      child.kill("SIGCONT");
    },
  };
}

function launch(program: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    program,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", (error) => reject(new Error(`cannot run ${program}: ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
    child.kill("SIGCONT");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
