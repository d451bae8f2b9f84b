import {
  type CategoryChoice,
  type DigestFrequency,
  defaultEmailChoice,
  digestFrequencies,
  type EmailChoice,
  type UserPreferences,
  type Weekday,
  weekdays,
} from "./preferences.js";
import { canonicalTimeZone } from "./time-zone.js";
import { codePoints, describe, limits } from "./validation.js";
import { ValidationError } from "./validation-error.js";

/** Preferences as a caller sends them: every text may be empty (its default). */
export interface PreferencesInput {
  readonly categories: Readonly<
    Record<string, { readonly inApp?: boolean | undefined; readonly email?: boolean | undefined }>
  >;
  readonly email?:
    | {
        readonly address: string;
        readonly digest: string;
        readonly time: string;
        readonly weekday: string;
        readonly timeZone: string;
      }
    | undefined;
}

/** Limits on preferences beyond those of contract §3.1. */
export const preferenceLimits = Object.freeze({
  /** Categories one user may set: bounds the stored record. */
  categoriesMax: 200,
  /** RFC 5321's limit on a forward path, less its angle brackets. */
  addressMax: 254,
});

const timePattern = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
// One mailbox, local@domain, with nothing that could start another address or
// header: no spaces, control characters, quotes, brackets, commas or semicolons.
const addressPattern = /^[^\s\p{Cc}@<>()[\]\\,;:"]+@[^\s\p{Cc}@<>()[\]\\,;:"]+$/u;

/**
 * Checks preferences sent by a caller and fills in the defaults (digest off,
 * 09:00, Monday, UTC); throws a ValidationError naming the first field at
 * fault, as `preferences.email.time`. A critical category may not be turned
 * off in either channel.
 */
export function checkPreferences(
  input: PreferencesInput,
  critical: ReadonlySet<string>,
): Omit<UserPreferences, "version"> {
  return {
    categories: checkCategories(input.categories, critical),
    email: checkEmail(input.email),
  };
}

function checkCategories(
  categories: PreferencesInput["categories"],
  critical: ReadonlySet<string>,
): Map<string, CategoryChoice> {
  const entries = Object.entries(categories);
  if (entries.length > preferenceLimits.categoriesMax) {
    throw new ValidationError(
      "preferences.categories",
      `preferences.categories must have at most ${preferenceLimits.categoriesMax} entries (got ${entries.length})`,
    );
  }
  const checked = new Map<string, CategoryChoice>();
  for (const [category, choice] of entries) {
    const length = codePoints(category);
    if (length < limits.categoryMin || length > limits.categoryMax) {
      throw new ValidationError(
        "preferences.categories",
        `preferences.categories keys must be categories of ${limits.categoryMin} to ${limits.categoryMax} characters (got ${describe(category)})`,
      );
    }
    for (const [channel, value] of [
      ["in_app", choice.inApp],
      ["email", choice.email],
    ] as const) {
      if (value === false && critical.has(category)) {
        const field = `preferences.categories[${JSON.stringify(category)}].${channel}`;
        throw new ValidationError(
          field,
          `${field} cannot be false: ${JSON.stringify(category)} is a critical category, always delivered`,
        );
      }
    }
    checked.set(category, {
      ...(choice.inApp !== undefined && { inApp: choice.inApp }),
      ...(choice.email !== undefined && { email: choice.email }),
    });
  }
  return checked;
}

function checkEmail(input: PreferencesInput["email"]): EmailChoice {
  if (!input) return defaultEmailChoice;
  const digest = oneOf("preferences.email.digest", input.digest, digestFrequencies) ?? "off";
  const time = input.time || defaultEmailChoice.time;
  if (!timePattern.test(time)) {
    throw new ValidationError(
      "preferences.email.time",
      `preferences.email.time must be a time of day HH:MM, 00:00 to 23:59 (got ${describe(input.time)})`,
    );
  }
  const weekday: Weekday =
    oneOf("preferences.email.weekday", input.weekday, weekdays) ?? defaultEmailChoice.weekday;
  const timeZone = input.timeZone ? canonicalTimeZone(input.timeZone) : defaultEmailChoice.timeZone;
  if (timeZone === undefined) {
    throw new ValidationError(
      "preferences.email.time_zone",
      `preferences.email.time_zone must be an IANA time zone such as Europe/Berlin or UTC (got ${describe(input.timeZone)})`,
    );
  }
  const address = input.address;
  if (address !== "") checkAddress(address);
  else if (digest !== "off") {
    throw new ValidationError(
      "preferences.email.address",
      `preferences.email.address is required when preferences.email.digest is ${digest}`,
    );
  }
  return { address, digest: digest as DigestFrequency, time, weekday, timeZone };
}

function checkAddress(address: string): void {
  if (codePoints(address) > preferenceLimits.addressMax || !addressPattern.test(address)) {
    throw new ValidationError(
      "preferences.email.address",
      `preferences.email.address must be one email address, local@domain, of at most ${preferenceLimits.addressMax} characters (got ${describe(address)})`,
    );
  }
}

/** `value` when it is one of `allowed`; undefined when empty; throws otherwise. */
function oneOf<T extends string>(
  field: string,
  value: string,
  allowed: readonly T[],
): T | undefined {
  if (value === "") return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(
    field,
    `${field} must be one of ${allowed.join(", ")} (got ${describe(value)})`,
  );
}
