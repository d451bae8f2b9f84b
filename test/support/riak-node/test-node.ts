import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { KvBackend } from "./kv-backend.js";
import { type ConnectionHost, serveConnection } from "./node-connection.js";
import { NodeFaults } from "./node-faults.js";
import type { NodeContext } from "./request-checks.js";
import { routeRequest } from "./request-router.js";
import type { StartupStage } from "./startup-stage.js";
import { actorIdLength } from "./vclock-codec.js";

/** One node of a test cluster: a Riak PB listener over the cluster's shared backend. */
export interface RiakTestNode {
  /** The node name that RpbGetServerInfoResp reports, e.g. "riak1@127.0.0.1". */
  readonly name: string;
  readonly host: string;
  /** Stays the same across stop()/start(). */
  readonly port: number;
  /** `${host}:${port}` */
  readonly address: string;
  /** Stops listening and destroys every open connection: later connects are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Delays every response by ms (0 = none). */
  setDelay(ms: number): void;
  /** Destroys every open socket now (the listener stays up). */
  dropConnections(): void;
  /** The next n requests get their socket destroyed without any answer. */
  dropNextRequests(n: number): void;
  /** The next n requests are answered with RpbErrorResp(errmsg, errcode 0). */
  failNextRequests(n: number, errmsg: string): void;
  /**
   * Answers as a node that is still starting does (see StartupStage), or
   * again as a serving one. The listener stays up throughout. Default `serving`.
   */
  setStartupStage(stage: StartupStage): void;
  /** Requests received so far, by message code. */
  readonly requests: ReadonlyMap<number, number>;
  /** Total requests received. */
  readonly requestCount: number;
}

/** Options of {@link TestNode}. */
export interface TestNodeOptions {
  readonly name: string;
  readonly host: string;
  /** 0 picks a free port on the first start. */
  readonly port: number;
  readonly backend: KvBackend;
}

/** The {@link RiakTestNode} implementation. */
export class TestNode implements RiakTestNode {
  readonly name: string;
  readonly host: string;
  private boundPort: number;
  private server: Server | undefined;
  private starting: Promise<void> | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new NodeFaults();
  private readonly counts = new Map<number, number>();
  private readonly connectionHost: ConnectionHost;
  private stage: StartupStage = "serving";

  constructor(options: TestNodeOptions) {
    this.name = options.name;
    this.host = options.host;
    this.boundPort = options.port;
    const context: NodeContext = {
      backend: options.backend,
      name: options.name,
      // Like a Riak vnode id: each node's writes show as its own vclock entry.
      actor: randomBytes(actorIdLength).toString("hex"),
      stage: () => this.stage,
    };
    this.connectionHost = {
      receive: (code) => {
        this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
        return this.faults.take();
      },
      delayMs: () => this.faults.delayMs,
      answer: (frame) => routeRequest(frame, context),
    };
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return `${this.host}:${this.boundPort}`;
  }

  get requests(): ReadonlyMap<number, number> {
    return new Map(this.counts);
  }

  get requestCount(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  async start(): Promise<void> {
    // Concurrent calls share one listen.
    this.starting ??= this.listen().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async listen(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((socket) => {
      // Replies are small frames; without this, Nagle holds pipelined replies back.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      serveConnection(socket, this.connectionHost);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    // A start still under way finishes first; if it failed there is nothing to stop.
    await this.starting?.catch(() => undefined);
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  setDelay(ms: number): void {
    this.faults.setDelay(ms);
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  dropNextRequests(n: number): void {
    this.faults.dropNext(n);
  }

  failNextRequests(n: number, errmsg: string): void {
    this.faults.failNext(n, errmsg);
  }

  setStartupStage(stage: StartupStage): void {
    this.stage = stage;
  }
}
