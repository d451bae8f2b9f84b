import { Agent, request } from "node:http";

/**
 * A bare HTTP/1.1 JSON client over keep-alive connections, for the Connect
 * JSON and REST figures: both go through this same code, so their difference
 * is the server's.
 */
export class Http1JsonClient {
  private readonly agent: Agent;

  /** @param maxSockets connections to keep: one per call in flight. */
  constructor(
    private readonly baseUrl: string,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Sends a request; resolves with the parsed JSON answer, rejects on a status other than 2xx. */
  send(method: string, path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: payload === undefined ? {} : { "content-type": "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new Error(`${method} ${path}: HTTP ${status} ${text.slice(0, 200)}`));
            } else {
              resolve(text === "" ? undefined : JSON.parse(text));
            }
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Closes the kept connections. */
  close(): void {
    this.agent.destroy();
  }
}
