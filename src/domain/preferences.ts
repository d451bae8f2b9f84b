import { idAfter } from "./ids.js";

/** How often a user gets an email digest. */
export type DigestFrequency = "off" | "daily" | "weekly";

/** Every digest frequency, in the order the API lists them. */
export const digestFrequencies: readonly DigestFrequency[] = ["off", "daily", "weekly"];

/** The days of the week, Monday first (ISO 8601: Monday is day 1). */
export const weekdays = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

/** A day of the week, as the API spells it. */
export type Weekday = (typeof weekdays)[number];

/** One category's channels; an unset channel is on. */
export interface CategoryChoice {
  /** False: the category is neither stored nor streamed for the user. */
  readonly inApp?: boolean;
  /** False: the category is left out of the user's digests. */
  readonly email?: boolean;
}

/** The email digest's address and schedule. */
export interface EmailChoice {
  /** Where digests go; "" when none. */
  readonly address: string;
  readonly digest: DigestFrequency;
  /** Local time of day, `HH:MM`. */
  readonly time: string;
  /** The day of weekly digests. */
  readonly weekday: Weekday;
  /** A canonical IANA time zone name. */
  readonly timeZone: string;
}

/** Everything a user chose (contract §10). */
export interface UserPreferences {
  /** A KSUID taken at the update that wrote them; "" for the defaults. */
  readonly version: string;
  readonly categories: ReadonlyMap<string, CategoryChoice>;
  readonly email: EmailChoice;
}

/** The email settings of a user who never set any: no digest, 09:00, Monday, UTC. */
export const defaultEmailChoice: EmailChoice = Object.freeze({
  address: "",
  digest: "off",
  time: "09:00",
  weekday: "monday",
  timeZone: "UTC",
});

/** The preferences of a user who never set any: every category on, no digest. */
export const defaultPreferences: UserPreferences = Object.freeze({
  version: "",
  categories: new Map<string, CategoryChoice>(),
  email: defaultEmailChoice,
});

/**
 * Resolves sibling preferences: an update replaces the whole record, so the
 * one with the greatest version wins (the latest update, whichever instance
 * took it). Two of one version resolve by their content, the same way in any
 * order. Undefined when there is none.
 */
export function mergePreferences(
  siblings: readonly UserPreferences[],
): UserPreferences | undefined {
  let best: UserPreferences | undefined;
  for (const sibling of siblings) {
    if (!best || supersedes(sibling, best)) best = sibling;
  }
  return best;
}

function supersedes(a: UserPreferences, b: UserPreferences): boolean {
  if (a.version !== b.version) return a.version > b.version;
  return orderKey(a) > orderKey(b);
}

function orderKey(preferences: UserPreferences): string {
  const categories = [...preferences.categories].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify([categories, preferences.email]);
}

/**
 * A change to a user's preferences: an update replacing them all, or an
 * unsubscribe link turning digests to `address` off (digests that now go to
 * another address stay on: the link was sent to the old one).
 */
export type PreferencesChange =
  | { readonly kind: "replace"; readonly preferences: UserPreferences }
  | { readonly kind: "unsubscribe"; readonly version: string; readonly address: string };

/**
 * Applies changes in order to the preferences read (undefined: never set).
 * Each takes its own version or, when that does not sort after the version
 * read (the instance that wrote it has a clock ahead of this one's), the next
 * one after it, so that a change made later never loses to the one it replaced.
 */
export function applyPreferenceChanges(
  current: UserPreferences | undefined,
  changes: readonly PreferencesChange[],
): UserPreferences | undefined {
  let preferences = current;
  for (const change of changes) {
    const read = preferences ?? defaultPreferences;
    if (change.kind === "replace") {
      preferences = {
        ...change.preferences,
        version: superseding(read, change.preferences.version),
      };
      continue;
    }
    const { email } = read;
    if (email.digest === "off" || email.address.toLowerCase() !== change.address.toLowerCase()) {
      continue;
    }
    const version = superseding(read, change.version);
    preferences = { ...read, version, email: { ...email, digest: "off" } };
  }
  return preferences;
}

function superseding(read: UserPreferences, version: string): string {
  return read.version === "" || version > read.version ? version : idAfter(read.version);
}

/**
 * True when notifications of `category` reach the user's inbox and streams:
 * unless the user turned the category's `in_app` off, and always for a
 * critical category.
 */
export function deliversInApp(
  preferences: UserPreferences,
  category: string,
  critical: ReadonlySet<string>,
): boolean {
  return critical.has(category) || preferences.categories.get(category)?.inApp !== false;
}

/**
 * True when notifications of `category` go into the user's digests: when
 * they reach the inbox and the user did not turn the category's `email` off;
 * always for a critical category.
 */
export function digestsCategory(
  preferences: UserPreferences,
  category: string,
  critical: ReadonlySet<string>,
): boolean {
  if (critical.has(category)) return true;
  const choice = preferences.categories.get(category);
  return choice?.inApp !== false && choice?.email !== false;
}
