/**
 * A REST request the transcoder refuses before (or instead of) calling the
 * method: the HTTP status, a message naming the problem, and extra headers
 * (`Allow` on a 405).
 */
export class RestError extends Error {
  override readonly name = "RestError";

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The REST error body of contract §3: `{"code": <HTTP status>, "message": "..."}`. */
export interface ErrorBody {
  readonly code: number;
  readonly message: string;
}

/** Builds the error body. */
export function errorBody(status: number, message: string): ErrorBody {
  return { code: status, message };
}

/**
 * Reads the message of a Connect unary error response
 * (`{"code":"invalid_argument","message":"..."}`); a body that is not one
 * gives a generic message for the status.
 */
export function connectErrorMessage(status: number, body: Uint8Array): string {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof parsed === "object" && parsed !== null && "message" in parsed) {
      const { message } = parsed;
      if (typeof message === "string" && message !== "") return message;
    }
    if (typeof parsed === "object" && parsed !== null && "code" in parsed) {
      return String(parsed.code).replaceAll("_", " ");
    }
  } catch {
    // Not JSON: fall through to the generic message.
  }
  return `the call failed with HTTP status ${status}`;
}

/** A value quoted for an error message, cut after 80 characters. */
export function quoteValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
