import { fork } from "node:child_process";

/** A bench helper process (the service, the Riak test node) and how to talk to it. */
export interface Child<R> {
  /** What the child reported once it was ready. */
  readonly ready: R;
  /** Sends a command; resolves with the child's answer. */
  request<T>(command: string): Promise<T>;
  /** Asks the child to shut down and waits for it to exit. */
  close(): Promise<void>;
}

/** Handlers of a child's commands; `close` is handled by {@link answerParent}. */
export type CommandHandlers = Readonly<Record<string, () => Promise<unknown>>>;

interface Message {
  readonly id?: number;
  readonly command?: string;
  readonly ready?: unknown;
  readonly result?: unknown;
  readonly error?: string;
}

/**
 * Starts `modulePath` in a child Node process through tsx, with `gc()`
 * exposed, and waits until it reports ready.
 *
 * @param nodeOptions more flags for the child's Node (e.g. `--cpu-prof`).
 */
export async function startChild<R>(
  modulePath: string,
  args: readonly string[],
  nodeOptions: readonly string[] = [],
): Promise<Child<R>> {
  const child = fork(modulePath, [...args], {
    execArgv: ["--import", "tsx", "--expose-gc", ...nodeOptions],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const ready = await new Promise<R>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${modulePath} exited (${code}) before ready`)));
    child.on("message", (message: Message) => {
      if ("ready" in message) resolve(message.ready as R);
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });
  return {
    ready,
    request<T>(command: string) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, command } satisfies Message);
      });
    },
    async close() {
      if (child.exitCode === null) child.send({ command: "close" } satisfies Message);
      await exited;
    },
  };
}

/**
 * The child's side: reports `ready`, answers the parent's commands, and on
 * `close` (or when the parent goes away) runs `close` and exits.
 */
export function answerParent(
  ready: unknown,
  handlers: CommandHandlers,
  close: () => Promise<void>,
): void {
  let closing = false;
  const shutDown = async () => {
    if (closing) return;
    closing = true;
    await close();
    process.exit(0);
  };
  process.on("disconnect", shutDown);
  process.on("message", async (message: Message) => {
    if (message.command === "close") return shutDown();
    const handler = message.command === undefined ? undefined : handlers[message.command];
    try {
      if (!handler) throw new Error(`unknown command ${message.command}`);
      process.send?.({ id: message.id, result: await handler() });
    } catch (error) {
      process.send?.({ id: message.id, error: String(error) });
    }
  });
  process.send?.({ ready });
}
