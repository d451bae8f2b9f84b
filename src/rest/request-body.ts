import type { JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus } from "@connectrpc/connect/protocol-connect";
import type { NodeRequest } from "../server/node-http.js";
import { RestError } from "./error-body.js";

/**
 * Reads a REST request body as JSON. Refuses, before reading, a body that is
 * not `application/json` (charset, if given, UTF-8) or is compressed (415),
 * or that declares more than `maxBytes` (413); refuses, while reading, a body
 * over `maxBytes` (413); refuses an empty body, invalid UTF-8 or invalid JSON
 * (400). The rest of a refused body is left to Node, which discards it. A
 * body the server stopped waiting for (its timeout) answers 408.
 */
export async function readJsonBody(req: NodeRequest, maxBytes: number): Promise<JsonValue> {
  checkContentType(req.headers["content-type"]);
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    throw new RestError(415, `Content-Encoding ${JSON.stringify(encoding)} is not supported`);
  }
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    // The HTTP/2 server fails a late or reset body with a ConnectError.
    if (!(error instanceof ConnectError)) throw error;
    const status = error.code === Code.DeadlineExceeded ? 408 : codeToHttpStatus(error.code);
    throw new RestError(status, error.rawMessage);
  }
  if (total === 0) throw new RestError(400, "the request body is empty: send a JSON object");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new RestError(400, "the request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    throw new RestError(400, `the request body is not valid JSON${detail}`);
  }
}

function checkContentType(header: string | undefined): void {
  const [mediaType = "", ...params] = (header ?? "").split(";").map((part) => part.trim());
  const charset = params
    .map((param) => /^charset=(.*)$/i.exec(param)?.[1])
    .find((value) => value !== undefined);
  const utf8 = charset === undefined || /^"?utf-8"?$/i.test(charset);
  if (mediaType.toLowerCase() !== "application/json" || !utf8) {
    throw new RestError(
      415,
      `Content-Type must be application/json (got ${header ? JSON.stringify(header) : "none"})`,
    );
  }
}

function tooLarge(maxBytes: number): RestError {
  return new RestError(413, `the request body is larger than ${maxBytes} bytes`);
}
