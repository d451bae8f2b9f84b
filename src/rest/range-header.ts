import { isKsuid } from "../domain/ids.js";
import { pageSizes } from "../domain/paging.js";
import { quoteValue, RestError } from "./error-body.js";

/** A parsed `Range` header of contract §3.2. */
export interface IdRange {
  /** The id the page starts at (or below); undefined: the newest item. */
  readonly fromId?: string;
  /** Whether the item `fromId` itself may be on the page (`]` makes it false). */
  readonly inclusive: boolean;
  /** Top-level items on the page, 1 to 1000 (larger values clamped). */
  readonly max: number;
}

/** The grammar, quoted in every error about a `Range` header. */
export const rangeGrammar = `"id;max=N", "id <from>..; max=N" or "id ]<from>..; max=N" (N 1 to ${pageSizes.max}; <from> a notification id; "]" leaves <from> out)`;

const rangePattern = /^id(?:[ \t]+(\]?)([^ \t;.]*)\.\.)?[ \t]*;[ \t]*max=([0-9]+)$/;

/** Parses a `Range` header; throws a 400 RestError quoting the grammar when it is malformed. */
export function parseRangeHeader(value: string): IdRange {
  const match = rangePattern.exec(value.trim());
  if (!match) throw rangeError(`Range must be ${rangeGrammar} (got ${quoteValue(value)})`);
  const [, exclusive, fromId, maxDigits = ""] = match;
  const max = maxDigits.length > 6 ? Number.POSITIVE_INFINITY : Number(maxDigits);
  if (max < 1)
    throw rangeError(`Range max must be at least 1 (got ${maxDigits}): use ${rangeGrammar}`);
  const range = { inclusive: exclusive !== "]", max: Math.min(max, pageSizes.max) };
  if (fromId === undefined) return range;
  if (!isKsuid(fromId)) {
    throw rangeError(
      `Range <from> must be a notification id, 27 characters of 0-9 A-Z a-z (got ${quoteValue(fromId)}): use ${rangeGrammar}`,
    );
  }
  return { ...range, fromId };
}

/** `Content-Range: id <first>..<last>` of a non-empty page. */
export function formatContentRange(firstId: string, lastId: string): string {
  return `id ${firstId}..${lastId}`;
}

/** `Next-Range: id ]<last>..; max=<N>`: the page after the one ending at `lastId`. */
export function formatNextRange(lastId: string, max: number): string {
  return `id ]${lastId}..; max=${max}`;
}

function rangeError(message: string): RestError {
  return new RestError(400, message);
}
