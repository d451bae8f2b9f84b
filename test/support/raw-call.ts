import { request as http1Request } from "node:http";
import { connect, type IncomingHttpHeaders } from "node:http2";
import { Socket } from "node:net";
import { Code } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/** A request sent byte for byte as given, whatever its protocol would require. */
export interface RawRequest {
  readonly http: "1.1" | "2";
  readonly path: string;
  /** Default POST. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

/** What came back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly trailers: Headers;
}

/** Sends a request over HTTP/1.1 (node:http) or h2c (node:http2) and reads the whole answer. */
export async function rawCall(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  return req.http === "2" ? http2Call(baseUrl, req) : http1Call(baseUrl, req);
}

function http1Call(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http1Request(
      new URL(req.path, baseUrl),
      { method: req.method ?? "POST", headers: { ...req.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            body: Buffer.concat(chunks),
            trailers: toHeaders(res.trailers),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

function http2Call(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const session = connect(baseUrl);
    session.on("error", reject);
    const stream = session.request({
      ":method": req.method ?? "POST",
      ":path": req.path,
      ...req.headers,
    });
    let status = 0;
    let headers = new Headers();
    let trailers = new Headers();
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = toHeaders(h);
    });
    stream.on("trailers", (t) => {
      trailers = toHeaders(t);
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      resolve({ status, headers, body: Buffer.concat(chunks), trailers });
    });
    stream.end(req.body);
  });
}

/**
 * Sends an HTTP/1.1 request as raw text (so it may carry a header twice) with
 * `Connection: close`, and reads the status and the body (sized by
 * Content-Length, as every refusal is).
 */
export function rawHttp1Text(
  baseUrl: string,
  head: string,
  body = "",
): Promise<{ status: number; headers: Headers; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [top = "", rest = ""] = text.split("\r\n\r\n", 2);
      const [statusLine = "", ...lines] = top.split("\r\n");
      const headers = new Headers();
      for (const line of lines) {
        const at = line.indexOf(":");
        headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest });
    });
    socket.connect(Number(url.port), url.hostname, () => {
      const length = Buffer.byteLength(body);
      socket.write(
        `${head.trim()}\r\nHost: ${url.host}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  });
}

/** One gRPC / Connect envelope: a flags byte, the big-endian length, the bytes. */
export function envelope(bytes: Uint8Array, flags = 0, declaredLength = bytes.length): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([head, bytes]);
}

/** The error an answer carries in its protocol, as a Connect code name and a message. */
export interface WireError {
  readonly code: string;
  readonly message: string;
}

/**
 * Reads the error of an answer the way a client of that protocol would:
 * gRPC from `grpc-status` in the trailers (or the headers of a trailers-only
 * answer), gRPC-Web also from its trailer frame, Connect unary from a non-200
 * JSON body, Connect streaming from its end-of-stream message, REST from its
 * `{"code": <status>, "message"}` body. Undefined when the answer is no error.
 */
export function wireErrorOf(
  format: "grpc" | "grpc-web" | "connect" | "connect-stream" | "rest",
  answer: RawAnswer,
): WireError | undefined {
  if (format === "grpc" || format === "grpc-web") {
    const status =
      answer.trailers.get("grpc-status") ??
      answer.headers.get("grpc-status") ??
      grpcWebTrailer(answer.body).get("grpc-status");
    if (status === null || status === undefined) {
      return answer.status === 200 ? undefined : { code: `http ${answer.status}`, message: "" };
    }
    if (status === "0") return undefined;
    const message =
      answer.trailers.get("grpc-message") ??
      answer.headers.get("grpc-message") ??
      grpcWebTrailer(answer.body).get("grpc-message") ??
      "";
    return { code: codeToString(Number(status) as Code), message: decodeURIComponent(message) };
  }
  if (format === "rest") {
    if (answer.status < 400) return undefined;
    const body = JSON.parse(answer.body.toString("utf8")) as { code: number; message: string };
    return { code: String(body.code), message: body.message };
  }
  if (answer.status !== 200 || format === "connect") {
    if (answer.status === 200) return undefined;
    const body = JSON.parse(answer.body.toString("utf8")) as { code: string; message?: string };
    return { code: body.code, message: body.message ?? "" };
  }
  const end = lastEnvelope(answer.body);
  if (!end || (end.flags & 0x02) === 0) return undefined;
  const parsed = JSON.parse(end.bytes.toString("utf8")) as {
    error?: { code: string; message?: string };
  };
  return parsed.error && { code: parsed.error.code, message: parsed.error.message ?? "" };
}

function grpcWebTrailer(body: Buffer): Headers {
  const headers = new Headers();
  const last = lastEnvelope(body);
  if (!last || (last.flags & 0x80) === 0) return headers;
  for (const line of last.bytes.toString("utf8").split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0) headers.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

function lastEnvelope(body: Buffer): { flags: number; bytes: Buffer } | undefined {
  let last: { flags: number; bytes: Buffer } | undefined;
  for (let at = 0; at + 5 <= body.length; ) {
    const length = body.readUInt32BE(at + 1);
    last = { flags: body.readUInt8(at), bytes: body.subarray(at + 5, at + 5 + length) };
    at += 5 + length;
  }
  return last;
}

function toHeaders(h: IncomingHttpHeaders | NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(":") || value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
  }
  return headers;
}

/** Code names that mean the server failed: never the answer to a client's bad input. */
export const serverFaultCodes: readonly string[] = [
  Code.Internal,
  Code.Unknown,
  Code.DataLoss,
  Code.Unimplemented,
].map((code) => codeToString(code));
